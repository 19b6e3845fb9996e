#!/usr/bin/env bash
# Installs the Debian packages stplan needs beyond Python: Pango and CJK fonts for the PDF
# 申报书 (WeasyPrint), gettext for the catalogue check, and with --browser Chromium for the
# browser tests. Only what is missing is installed; without root or apt it says what is
# missing and goes on.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk gettext)
[ "${1:-}" = "--browser" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "缺少系统软件包：${missing[*]}（请以 root 运行 apt-get install ${missing[*]}）" >&2
fi
