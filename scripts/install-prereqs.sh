#!/usr/bin/env bash
# Installs the Debian packages the tests use as real DICOM peers and tools, when missing:
# DCMTK (echoscu, storescu, findscu, movescu, getscu, storescp, dump2dcm),
# GDCM (gdcmscu, gdcminfo), HAProxy (cluster failover tests), Orthanc (C-FIND agreement test)
# and Chromium (the web UI test drives it headless through playwright-core).
set -euo pipefail
need=()
command -v storescu >/dev/null || need+=(dcmtk)
command -v gdcmscu  >/dev/null || need+=(libgdcm-tools)
command -v haproxy  >/dev/null || need+=(haproxy)
command -v Orthanc  >/dev/null || need+=(orthanc)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
