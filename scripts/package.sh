#!/usr/bin/env bash
# Builds the Debian package: artifacts/gateway_<version>_<arch>.deb (version from Directory.Build.props).
#   the NativeAOT agent      -> /usr/lib/gateway/agent/Gateway.Agent
#   the self-contained web   -> /usr/lib/gateway/web/ (its own .NET runtime: Debian 12 ships none, see README)
#   units, conffile, wrapper -> /lib/systemd/system, /etc/gateway/appsettings.json, /usr/sbin/gateway-web
# Needs the .NET SDK, a C compiler and libc6-dev (NativeAOT), dpkg-deb. Prints the package's path.
#   --reuse-publish   keep the last publish output in artifacts/package (only packaging/ changed: seconds, not minutes)
set -euo pipefail
reuse=0
[[ ${1:-} == --reuse-publish ]] && reuse=1
cd "$(dirname "$0")/.."
ROOT=$PWD

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "package.sh: no usable <Version> in Directory.Build.props" >&2; exit 1; }
arch=$(dpkg --print-architecture)
case $arch in
  amd64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "package.sh: no .NET runtime identifier for $arch" >&2; exit 1 ;;
esac

work=$ROOT/artifacts/package
stage=$work/root
deb=$ROOT/artifacts/gateway_${version}_${arch}.deb
rm -rf "$stage"
# The agent goes to the same folder run.sh and test.sh publish it to, so after theirs this publish is an
# up-to-date check rather than a second native compile.
agent=$ROOT/artifacts/publish/agent
if ((reuse == 0)) || [[ ! -x $agent/Gateway.Agent || ! -x $work/web/Gateway.Web ]]; then
  rm -rf "$work"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  dotnet publish src/Agent/Gateway.Agent.csproj -c Release -r "$rid" -p:PublishAot=true -o "$agent" -nologo -v q
  # English only (the panel is English): no satellite resource folders.
  dotnet publish src/Web/Gateway.Web.csproj -c Release -r "$rid" --self-contained -p:UseAppHost=true \
    -p:SatelliteResourceLanguages=en -o "$work/web" -nologo -v q
fi
mkdir -p "$stage"

lib=$stage/usr/lib/gateway
install -d "$lib/agent" "$lib/web"
install -m 0755 "$agent/Gateway.Agent" "$lib/agent/Gateway.Agent"
install -m 0644 "$agent/appsettings.json" "$lib/agent/appsettings.json"
# Debug symbols and the IIS web.config have no place on a router, nor the LTTng tracing provider (the runtime
# runs without it, and it would pull in liblttng-ust).
(cd "$work/web" && find . -type f ! -name '*.pdb' ! -name '*.dbg' ! -name web.config \
  ! -name libcoreclrtraceptprovider.so -print0) \
  | (cd "$work/web" && xargs -0 cp --parents -t "$lib/web")
find "$lib/web" -type d -exec chmod 0755 {} +
find "$lib/web" -type f -exec chmod 0644 {} +
chmod 0755 "$lib/web/Gateway.Web" "$lib/web/createdump"
# SQLitePCLRaw's native SQLite comes with its symbols; the runtime's own libraries are already stripped.
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$lib/web/libe_sqlite3.so"
if [[ -e $lib/web/Gateway.Agent.dll || -e $lib/agent/Gateway.Agent.dll ]]; then
  echo "package.sh: a managed Gateway.Agent.dll slipped in; the agent ships as its NativeAOT binary only" >&2
  exit 1
fi

install -D -m 0644 packaging/etc/appsettings.json "$stage/etc/gateway/appsettings.json"
install -D -m 0755 packaging/sbin/gateway-web "$stage/usr/sbin/gateway-web"
install -d "$stage/lib/systemd/system"
install -m 0644 packaging/systemd/gateway-agent.service packaging/systemd/gateway-web.service \
  packaging/systemd/gateway-web.socket "$stage/lib/systemd/system/"

# Dates from the last commit, so the same tree gives the same package.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
doc=$stage/usr/share/doc/gateway
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(LC_ALL=C date -u -R -d "@$epoch")/" packaging/debian/changelog \
  | gzip -9n >"$doc/changelog.gz"
install -d "$stage/usr/share/man/man8"
gzip -9n <packaging/man/gateway-web.8 >"$stage/usr/share/man/man8/gateway-web.8.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/gateway"
chmod 0644 "$doc/changelog.gz" "$stage/usr/share/man/man8/gateway-web.8.gz"

install -d -m 0755 "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$size/" packaging/debian/control \
  >"$stage/DEBIAN/control"
install -m 0644 packaging/debian/conffiles "$stage/DEBIAN/conffiles"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
# md5sums lists every shipped file except conffiles (dpkg tracks those itself).
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print0 | sort -z \
  | xargs -0 md5sum | sed 's:  \./:  :') >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

find "$stage" -exec touch -h -d "@$epoch" {} +
rm -f "$deb"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --build --root-owner-group -Zxz "$stage" "$deb" >/dev/null
echo "$deb"
