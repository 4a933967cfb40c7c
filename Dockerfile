# Leefbaarheid in de wijk: the Streamlit app on the embedded dataset.
#   docker build -t leefbaarheid .
#   docker run --rm -p 8501:8501 leefbaarheid            # http://localhost:8501
# Another dataset (e.g. one made with `python -m geo fetch --out /data`): mount it read-only and
#   docker run --rm -p 8501:8501 -v "$PWD/data-full:/data:ro" -e LEEFBAARHEID_DATA=/data leefbaarheid
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # the app's own folder first, so `geo` and geo.DEFAULT_DATA_DIR (/app/data) come from here
    PYTHONPATH=/app

WORKDIR /app

# dependencies first (cached while only the code changes)
COPY pyproject.toml README.md ./
COPY geo/ geo/
RUN pip install .

# the entry point and its modules (app.py, ui.py, controls.py, ...): every Python file at the top
COPY *.py ./
COPY .streamlit/ .streamlit/
COPY pages/ pages/
COPY static/ static/
COPY data/ data/

# run as an unprivileged user; the data is read-only for the app
RUN useradd --create-home --uid 10001 app
USER app

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"

# warm_up.py opens one session (the map, then Trends) as soon as the server answers, so the first visitors
# do not wait for the imports and the dataset load (see README, Benchmarks); its report goes to the log
CMD ["sh", "-c", "python warm_up.py http://127.0.0.1:8501 --timeout 120 & exec streamlit run app.py --server.address=0.0.0.0 --server.port=8501 --server.headless=true"]
