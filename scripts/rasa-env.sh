#!/usr/bin/env bash
# The Rasa 3.6 NLU engine: a separate Python 3.10 environment, training, and the server.
#
#   bash scripts/rasa-env.sh setup      # create .venv-rasa (Python 3.10, rasa==3.6.21, pinned)
#   bash scripts/rasa-env.sh train      # train an NLU model on nlu/data/train (cached by hash)
#   bash scripts/rasa-env.sh run        # serve it in the foreground: rasa run --enable-api
#   bash scripts/rasa-env.sh start      # the same in the background; waits until it answers
#   bash scripts/rasa-env.sh stop       # stop the server `start` started
#   bash scripts/rasa-env.sh evaluate   # safercity nlu evaluate --engine rasa on nlu/data/test
#   bash scripts/rasa-env.sh all        # setup, train, start (the usual sequence)
#
# Then run the service with SAFERCITY_NLU_ENGINE=rasa (RASA_URL defaults to
# http://127.0.0.1:5005). Settings, all optional:
#   RASA_VENV    the environment (default: .venv-rasa in the repo)
#   RASA_HOME    models, generated domain, server log and pid (default: .safercity/rasa)
#   RASA_HOST    address the server binds (default: 127.0.0.1; keep it local)
#   RASA_PORT    its port (default: 5005)
#   RASA_PYTHON  a Python 3.10 interpreter (default: pyenv's 3.10.x, then python3.10)
# Nothing here downloads anything but PyPI packages during `setup`; training and serving
# work offline (telemetry is switched off).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RASA_VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
RASA_HOME="${RASA_HOME:-$ROOT/.safercity/rasa}"
RASA_HOST="${RASA_HOST:-127.0.0.1}"
RASA_PORT="${RASA_PORT:-5005}"
REQUIREMENTS="$ROOT/scripts/rasa-requirements.txt"
# RASA_CONFIG: another pipeline file (CI trains a shorter copy of config.yml: scripts/ci-rasa.sh)
CONFIG="${RASA_CONFIG:-$ROOT/config.yml}"
TRAIN_DATA="$ROOT/nlu/data/train"
PIDFILE="$RASA_HOME/server.pid"
SERVER_LOG="$RASA_HOME/server.log"
START_TIMEOUT="${RASA_START_TIMEOUT:-300}"

# Rasa must stay offline and quiet: no telemetry, no TensorFlow chatter, 2 cores shared.
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"
export TF_NUM_INTEROP_THREADS="${TF_NUM_INTEROP_THREADS:-2}"
export TF_NUM_INTRAOP_THREADS="${TF_NUM_INTRAOP_THREADS:-2}"

log() { printf '[rasa-env] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_python310() {
    if [[ -n "${RASA_PYTHON:-}" ]]; then
        echo "$RASA_PYTHON"
        return
    fi
    local roots=()
    if command -v pyenv >/dev/null 2>&1; then
        roots+=("$(pyenv root)")
    fi
    roots+=("${PYENV_ROOT:-}" "$HOME/.pyenv" "/root/.pyenv")
    local root candidate
    for root in "${roots[@]}"; do
        [[ -n "$root" && -d "$root/versions" ]] || continue
        # The newest 3.10.x pyenv has.
        candidate="$(ls -d "$root"/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)"
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return
        fi
    done
    if command -v python3.10 >/dev/null 2>&1; then
        command -v python3.10
        return
    fi
    die "no Python 3.10 found: install it with pyenv (Rasa 3.6 supports Python <= 3.10) or set RASA_PYTHON"
}

requirements_stamp() {
    # The environment is rebuilt whenever the pins change.
    sha256sum "$REQUIREMENTS" | cut -c1-16
}

cmd_setup() {
    local stamp_file="$RASA_VENV/.safercity-stamp"
    local stamp
    stamp="$(requirements_stamp)"
    if [[ -x "$RASA_VENV/bin/rasa" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
        log "environment $RASA_VENV is up to date (rasa $("$RASA_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("rasa"))'))"
        return
    fi
    local python
    python="$(find_python310)"
    "$python" -c 'import sys; assert sys.version_info[:2] == (3, 10), sys.version' \
        || die "$python is not Python 3.10"
    log "creating $RASA_VENV with $python"
    rm -rf "$RASA_VENV"
    "$python" -m venv "$RASA_VENV"
    local pip_log="$RASA_VENV/pip-install.log"
    log "installing rasa and its pinned dependencies (several minutes on a fresh machine; log: $pip_log)"
    if ! { "$RASA_VENV/bin/python" -m pip install --upgrade pip \
        && "$RASA_VENV/bin/python" -m pip install -r "$REQUIREMENTS"; } >"$pip_log" 2>&1; then
        tail -n 40 "$pip_log" >&2
        die "pip install failed (full log: $pip_log)"
    fi
    "$RASA_VENV/bin/python" -m pip check >/dev/null || log "warning: pip check reports conflicts"
    echo "$stamp" >"$stamp_file"
    log "ready: $("$RASA_VENV/bin/rasa" --version 2>/dev/null | head -n 1)"
}

require_env() {
    [[ -x "$RASA_VENV/bin/rasa" ]] || die "no Rasa environment at $RASA_VENV: run 'bash scripts/rasa-env.sh setup' first"
}

data_hash() {
    # The model is retrained when the pipeline, the training data or the pins change.
    (
        cd "$ROOT"
        if [[ -n "${RASA_CONFIG:-}" ]]; then sha256sum "$CONFIG"; else sha256sum config.yml; fi
        sha256sum scripts/rasa-requirements.txt
        find nlu/data/train -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 \
            | sort -z | xargs -0 sha256sum
    ) | sha256sum | cut -c1-16
}

model_path() {
    echo "$RASA_HOME/models/nlu-$(data_hash).tar.gz"
}

serving_model() {
    # The model for the current data; else the newest one, with a warning.
    local model newest
    model="$(model_path)"
    if [[ -f "$model" ]]; then
        echo "$model"
        return
    fi
    newest="$(ls -t "$RASA_HOME"/models/nlu-*.tar.gz 2>/dev/null | head -n 1 || true)"
    [[ -n "$newest" ]] || die "no trained model: run 'bash scripts/rasa-env.sh train' first"
    log "warning: config.yml or nlu/data/train changed since $(basename "$newest") was trained: run 'train' to update it"
    echo "$newest"
}

write_domain() {
    # A minimal domain listing the intents and the entity: some Rasa commands want one.
    local domain="$RASA_HOME/domain.yml"
    "$RASA_VENV/bin/python" - "$TRAIN_DATA" "$domain" <<'PY'
import pathlib
import sys

import yaml

intents: set[str] = set()
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.y*ml")):
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in doc.get("nlu") or []:
        if isinstance(block, dict) and "intent" in block:
            intents.add(str(block["intent"]))
domain = {"version": "3.1", "intents": sorted(intents), "entities": ["location"]}
pathlib.Path(sys.argv[2]).write_text(
    "# Generated by scripts/rasa-env.sh from nlu/data/train: do not edit.\n"
    + yaml.safe_dump(domain, sort_keys=False),
    encoding="utf-8",
)
PY
}

cmd_train() {
    require_env
    local force=0
    [[ "${1:-}" == "--force" ]] && force=1
    mkdir -p "$RASA_HOME/models"
    local model name
    model="$(model_path)"
    name="$(basename "$model" .tar.gz)"
    write_domain
    if [[ -f "$model" && $force -eq 0 ]]; then
        log "model $model is up to date with config.yml and nlu/data/train"
        return
    fi
    log "training $name on nlu/data/train (the test split is never used)"
    local started=$SECONDS
    (
        cd "$ROOT"
        "$RASA_VENV/bin/rasa" train nlu --config "$CONFIG" --nlu "$TRAIN_DATA" \
            --out "$RASA_HOME/models" --fixed-model-name "$name"
    )
    [[ -f "$model" ]] || die "training produced no $model"
    log "trained $model in $((SECONDS - started)) s"
    # Keep the three newest models (about 30 MB each).
    ls -t "$RASA_HOME"/models/nlu-*.tar.gz | tail -n +4 | xargs -r rm -f
}

server_url() { echo "http://$RASA_HOST:$RASA_PORT"; }

server_ready() {
    # /status answers 200 with the loaded model's fingerprint once the model is loaded.
    "$RASA_VENV/bin/python" - "$(server_url)/status" <<'PY' >/dev/null 2>&1
import json
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    body = json.load(response)
sys.exit(0 if body.get("model_file") else 1)
PY
}

cmd_run() {
    require_env
    local model
    model="$(serving_model)"
    cd "$ROOT"
    exec "$RASA_VENV/bin/rasa" run --enable-api -i "$RASA_HOST" -p "$RASA_PORT" \
        -m "$model"
}

cmd_start() {
    require_env
    if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        log "server already running (pid $(cat "$PIDFILE")) at $(server_url)"
        return
    fi
    mkdir -p "$RASA_HOME"
    serving_model >/dev/null
    log "starting rasa run --enable-api on $(server_url) (log: $SERVER_LOG)"
    local started=$SECONDS
    nohup bash "$ROOT/scripts/rasa-env.sh" run >"$SERVER_LOG" 2>&1 &
    echo $! >"$PIDFILE"
    while ! server_ready; do
        if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
            tail -n 30 "$SERVER_LOG" >&2 || true
            rm -f "$PIDFILE"
            die "the server exited before it was ready"
        fi
        if ((SECONDS - started > START_TIMEOUT)); then
            cmd_stop
            die "the server was not ready after $START_TIMEOUT s"
        fi
        sleep 1
    done
    log "server ready at $(server_url) after $((SECONDS - started)) s (pid $(cat "$PIDFILE"))"
}

cmd_stop() {
    if [[ ! -f "$PIDFILE" ]]; then
        log "no server pid file: nothing to stop"
        return
    fi
    local pid
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        log "server stopped (pid $pid)"
    fi
    rm -f "$PIDFILE"
}

cmd_evaluate() {
    server_ready || die "no Rasa server answering at $(server_url): run 'bash scripts/rasa-env.sh start' first"
    cd "$ROOT"
    RASA_URL="$(server_url)" "$ROOT/.venv/bin/safercity" nlu evaluate --engine rasa "$@"
}

main() {
    case "${1:-}" in
        setup) cmd_setup ;;
        train) shift; cmd_train "$@" ;;
        run) cmd_run ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) if server_ready; then log "ready at $(server_url)"; else log "not answering at $(server_url)"; exit 1; fi ;;
        evaluate) shift; cmd_evaluate "$@" ;;
        model) model_path ;;
        all) cmd_setup; cmd_train; cmd_start ;;
        *)
            sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
            exit 2
            ;;
    esac
}

# One line, so that bash has read everything before it runs (the file may change meanwhile).
main "$@"; exit $?
