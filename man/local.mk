# man: the pages installed by make install; tests/core/manlint.sh checks
# them with mandoc -T lint during make check when mandoc is installed.
dist_man_MANS += man/ikedaemon.8 man/ikectl.8 man/ike.conf.5
