# Gridline's image, used by compose.yaml (several webhook instances behind one URL).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY examples ./examples
RUN pip install --no-cache-dir .
EXPOSE 8080
CMD ["gridline", "run", "--webhook"]
