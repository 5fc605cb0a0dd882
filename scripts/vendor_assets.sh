#!/usr/bin/env bash
# Install the pinned front-end packages from the npm registry and copy the files the app serves
# into static/vendor/ (whitenoise serves them; no page loads anything from another host).
set -euo pipefail
cd "$(dirname "$0")/.."
build=var/npm
mkdir -p "$build"
cp package.json "$build/package.json"
(cd "$build" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
nm="$build/node_modules"
out=static/vendor
rm -rf "$out" && mkdir -p "$out/bootstrap" "$out/htmx" "$out/vazirmatn/files" "$out/chartjs"
cp "$nm"/bootstrap/dist/css/bootstrap{,.rtl}.min.css{,.map} "$out/bootstrap/"
cp "$nm"/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} "$out/bootstrap/"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/htmx/"
cp "$nm/@fontsource/vazirmatn/400.css" "$nm/@fontsource/vazirmatn/700.css" "$out/vazirmatn/"
cp "$nm"/@fontsource/vazirmatn/files/vazirmatn-*-{400,700}-normal.woff* "$out/vazirmatn/files/"
# Chart.js: the UMD build defines window.Chart for static/js/dashboard.js (no bundler here).
cp "$nm"/chart.js/dist/chart.umd.js{,.map} "$out/chartjs/"  # the map too: the manifest build resolves it
echo "front-end assets installed in $out"
