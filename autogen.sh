#!/bin/sh
set -e
autoreconf -fi "$(dirname "$0")"
