# syntax=docker/dockerfile:1
# Gateway: the web (REST + admin panel) and the privileged agent in one image.
#
#   docker build -t gateway .
#   docker run -d --name gateway --network host --cap-add NET_ADMIN \
#     -v gateway-data:/var/lib/gateway \
#     -e ASPNETCORE_URLS=http://192.168.1.1:5080 \
#     gateway
#
# --network host: the agent programs the host's own nftables (one table, `inet gateway`) and reads its
# conntrack table, so it must live in the host's network namespace. --cap-add NET_ADMIN: all it needs
# for nftables and ctnetlink. The web binds to 127.0.0.1:5080 unless ASPNETCORE_URLS says otherwise:
# set it to the router's LAN address — never a WAN address, because setup is open until it is done.
# State (database, cookie keys, the agent's last-good ruleset) lives in the /var/lib/gateway volume.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# NativeAOT links the agent with the platform's C toolchain.
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Project files first, so the package restore layer survives source edits.
COPY Directory.Build.props Directory.Packages.props Gateway.sln appsettings.json ./
COPY .config/ .config/
COPY src/Shared/Gateway.Shared.csproj src/Shared/
COPY src/Agent/Gateway.Agent.csproj src/Agent/
COPY src/Web/Gateway.Web.csproj src/Web/
RUN dotnet restore src/Web/Gateway.Web.csproj && dotnet restore src/Agent/Gateway.Agent.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Web/Gateway.Web.csproj -c Release --no-restore -o /out/web \
 && dotnet publish src/Agent/Gateway.Agent.csproj -c Release -r linux-x64 --no-restore -o /out/agent

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# libnftables for the agent's P/Invoke; nft itself is handy for `docker exec gateway nft list ruleset`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnftables1 nftables \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/web /opt/gateway/web
# The agent is its NativeAOT binary (no JIT, ~20 MB resident; README "Agent memory and NativeAOT").
COPY --from=build /out/agent/Gateway.Agent /out/agent/appsettings.json /opt/gateway/agent/

# Starts the agent, waits for its socket, then runs the web; SIGTERM stops both.
# Both run as the container's root (which has only NET_ADMIN added): the agent's socket admits uid 0.
COPY --chmod=0755 <<'EOF' /usr/local/bin/gateway-start
#!/bin/sh
set -eu
mkdir -p /run/gateway /var/lib/gateway/agent
/opt/gateway/agent/Gateway.Agent &
agent=$!
i=0
while [ ! -S "${Agent__SocketPath:-/run/gateway/agent.sock}" ] && kill -0 "$agent" 2>/dev/null && [ $i -lt 100 ]; do
  sleep 0.1; i=$((i + 1))
done
dotnet /opt/gateway/web/Gateway.Web.dll &
web=$!
trap 'kill -TERM "$web" "$agent" 2>/dev/null' TERM INT
# Whichever exits first ends the container, so a restart policy brings both back.
while kill -0 "$agent" 2>/dev/null && kill -0 "$web" 2>/dev/null; do
  sleep 1 & wait $! || true
done
kill -TERM "$web" "$agent" 2>/dev/null || true
wait "$web" 2>/dev/null; web_rc=$?
wait "$agent" 2>/dev/null || true
exit "$web_rc"
EOF

ENV ASPNETCORE_URLS=http://127.0.0.1:5080 \
    ASPNETCORE_HTTP_PORTS= \
    ConnectionStrings__Gateway="Data Source=/var/lib/gateway/gateway.db" \
    Agent__SocketPath=/run/gateway/agent.sock \
    Agent__StateDir=/var/lib/gateway/agent \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME /var/lib/gateway
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/gateway-start"]
