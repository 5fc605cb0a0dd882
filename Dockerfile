# The image behind docker-compose.yml: the app with its pinned requirements and static build.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json scripts/vendor_assets.sh ./scripts-src/
RUN mkdir -p scripts && cp scripts-src/vendor_assets.sh scripts/ && cp scripts-src/package.json . \
    && bash scripts/vendor_assets.sh

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=assets /src/static/vendor ./static/vendor
# collectstatic needs settings but no database or redis; placeholders keep settings' checks happy.
RUN DEBUG=0 SECRET_KEY=build DATABASE_URL=postgres://build/build REDIS_URL=redis://build:6379/0 \
    python manage.py collectstatic --no-input -v0
RUN useradd --create-home --uid 1000 poshtiban && mkdir -p /data/media && chown -R poshtiban /data
USER poshtiban
EXPOSE 8000
