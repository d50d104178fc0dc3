#!/bin/sh
# make check: the man pages pass "mandoc -T lint" with no warning or error
# (style notes, such as references to pages not installed here, are allowed).
command -v mandoc >/dev/null || { echo "skip: mandoc not installed"; exit 77; }
rc=0
for page in ikedaemon.8 ikectl.8 ike.conf.5; do
	mandoc -T lint -W warning "${srcdir:-.}/man/$page" || rc=1
done
exit $rc
