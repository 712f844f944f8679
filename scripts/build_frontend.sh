#!/usr/bin/env bash
# Build the front-end assets into static/build/ from the pinned npm packages.
# The output is committed, so the app runs without node; rerun this after
# changing frontend/package.json or frontend/scss/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frontend="$root/frontend"
modules="$frontend/node_modules"
build="$root/static/build"

# npm ci is slow and wipes node_modules: only run it when the lock file is newer
# than the last install (npm writes node_modules/.package-lock.json on install).
if [[ ! -f "$modules/.package-lock.json" || "$frontend/package-lock.json" -nt "$modules/.package-lock.json" ]]; then
  (cd "$frontend" && npm ci --no-audit --no-fund)
fi

rm -rf "$build"
mkdir -p "$build/assets/images"

# Two load paths: ours resolve "govuk-frontend/…", while MOJ Frontend's own
# sources refer to "node_modules/govuk-frontend/…" from the package root.
# --quiet-deps hides the packages' Sass deprecation warnings, not our own.
"$modules/.bin/sass" --style=compressed --no-source-map --quiet-deps \
  --load-path="$frontend" --load-path="$modules" \
  "$frontend/scss/app.scss" "$build/app.css"

# Copy a script without its sourceMappingURL comment: we do not ship the maps, and
# Django's ManifestStaticFilesStorage fails collectstatic on a missing one.
copy_js() {
  sed -e 's|//# sourceMappingURL=[^ ]*$||' "$1" >"$build/$2"
}
copy_js "$modules/govuk-frontend/dist/govuk/govuk-frontend.min.js" govuk-frontend.min.js
copy_js "$modules/@ministryofjustice/frontend/moj/moj-frontend.min.js" moj-frontend.min.js

# Copy only the images app.css refers to (no fonts, favicons or GOV.UK manifest:
# the service is not on gov.uk). Each comes from GOV.UK Frontend or MOJ Frontend;
# a missing one fails the build rather than a page.
{ grep -o 'url([^)]*)' "$build/app.css" || true; } | sed -E 's/^url\("?([^")]*)"?\)$/\1/' | sort -u |
  while read -r url; do
    name="${url#/static/build/assets/images/}"
    if [[ "$name" == "$url" || "$name" == */* ]]; then
      echo "build_frontend: unexpected asset URL in app.css: $url" >&2
      exit 1
    fi
    for source in "$modules/govuk-frontend/dist/govuk/assets/images" \
      "$modules/@ministryofjustice/frontend/moj/assets/images"; do
      if [[ -f "$source/$name" ]]; then
        cp "$source/$name" "$build/assets/images/$name"
        continue 2
      fi
    done
    echo "build_frontend: app.css refers to $url, found in no package" >&2
    exit 1
  done

echo "Built $(find "$build" -type f | wc -l) files into ${build#"$root"/}:"
(cd "$build" && find . -type f -print0 | sort -z | xargs -0 du -h)
