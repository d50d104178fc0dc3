#!/bin/sh
# The engine's layer rule (doc/ARCHITECTURE.md) on this build's objects:
# tools/check-layers.sh from the source tree, the build tree being here.
set -u
exec sh "${srcdir:-.}/tools/check-layers.sh" . "${srcdir:-.}"
