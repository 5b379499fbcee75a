# rolecheck in a container: `docker build -t rolecheck .`, then
# `docker run --rm -v "$PWD:/work" rolecheck lint .` (docs/install.md).
#
# Build stage: Swift, libyaml's static archive and headers, and the release build of
# scripts/release (Swift runtime and libyaml linked in). Both stages are Debian 12, so the final
# one has the glibc the binary was linked against.
ARG SWIFT_IMAGE=swift:6.3-bookworm
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev pkg-config python3 binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN python3 scripts/release /dist \
 && mkdir /out \
 && tar -xzf /dist/rolecheck-*-linux-*.tar.gz -C /out --strip-components=1

# Final stage: the binary alone on a slim Debian (which keeps a shell, as GitLab CI jobs need).
FROM debian:bookworm-slim
COPY --from=build /out/rolecheck /usr/local/bin/rolecheck
WORKDIR /work
ENTRYPOINT ["rolecheck"]
CMD ["--help"]
