# PostgreSQL with the hll extension (HyperLogLog sketches of distinct users and sessions in the rollups),
# from the PGDG apt repository the base images already configure.
#   compose:     built by deploy/compose.yaml (postgres:16.4-bookworm)
#   Kubernetes:  docker build -f deploy/docker/postgres.Dockerfile \
#                  --build-arg BASE=ghcr.io/cloudnative-pg/postgresql:16.4 --build-arg RUN_AS=26 \
#                  -t broxiva/postgresql-hll:16.4 deploy
ARG BASE=postgres:16.4-bookworm
FROM ${BASE}
ARG RUN_AS=postgres
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends "postgresql-${PG_MAJOR}-hll" \
 && rm -rf /var/lib/apt/lists/*
USER ${RUN_AS}
