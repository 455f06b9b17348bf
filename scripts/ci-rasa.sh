#!/usr/bin/env bash
# CI's Rasa path, end to end, so that it cannot rot:
#   1. the Python 3.10 environment with rasa==3.6.21 (kept between runs on the same machine
#      in ~/.cache/safercity/venv-rasa; rebuilt when scripts/rasa-requirements.txt changes)
#   2. training on nlu/data/train with config.yml (always: this is what checks the data),
#      with RASA_CI_EPOCHS (20) DIET epochs instead of config.yml's 40: CI checks that the
#      path works end to end, in about half the time (the Rasa train took 639 s of a 16.5-min
#      CI run on 2026-12-05); the figures in docs/ come from the full config.yml
#      (scripts/nlu_eval_doc.py, scripts/bench_nlu.py). RASA_CI_EPOCHS=40 trains the full one.
#   3. rasa run --enable-api on a free 127.0.0.1 port, waiting until the model is loaded
#   4. safercity nlu evaluate --engine rasa on the held-out nlu/data/test
#   5. the `rasa`-marked tests against that server
#   6. the server stopped (also on failure)
# Prints how long each step took. Usage: bash scripts/ci-rasa.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export RASA_VENV="${RASA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/safercity/venv-rasa}"
export RASA_HOME="${RASA_HOME:-$ROOT/.safercity/rasa-ci}"
if [[ -z "${RASA_PORT:-}" ]]; then
    RASA_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
export RASA_PORT
export RASA_HOST=127.0.0.1
export RASA_URL="http://$RASA_HOST:$RASA_PORT"
mkdir -p "$(dirname "$RASA_VENV")" "$RASA_HOME"

ENV_SH=(bash "$ROOT/scripts/rasa-env.sh")
declare -a TIMINGS=()
CI_STARTED=$SECONDS

step() {
    local name="$1"
    shift
    echo "[ci-rasa] === $name"
    local started=$SECONDS
    "$@"
    local took=$((SECONDS - started))
    TIMINGS+=("$(printf '%-10s %5d s' "$name" "$took")")
    echo "[ci-rasa] $name took $took s"
}

cleanup() {
    "${ENV_SH[@]}" stop || true
}
trap cleanup EXIT

evaluate() {
    local out="$RASA_HOME/evaluation.md"
    # WARNING: one line per outage from the adapter, not one httpx line per message.
    SAFERCITY_LOG_LEVEL=WARNING .venv/bin/safercity nlu evaluate --engine rasa --format markdown | tee "$out"
    # Scores of the fallback engine are not Rasa's: every message must have reached Rasa.
    if grep -q "parsed by the fallback engine" "$out"; then
        echo "[ci-rasa] the Rasa server did not answer every message" >&2
        return 1
    fi
}

rasa_tests() {
    SAFERCITY_REQUIRE_RASA=1 .venv/bin/pytest tests/nlu/test_rasa_engine.py -m rasa -q -p no:cacheprovider
}

ci_config() {
    # config.yml with DIET's epochs set to RASA_CI_EPOCHS; nothing else changes
    local epochs="${RASA_CI_EPOCHS:-20}" out="$RASA_HOME/config-ci.yml"
    sed -E "s/^( +epochs:) [0-9]+$/\1 $epochs/" "$ROOT/config.yml" >"$out"
    grep -qE "^ +epochs: $epochs$" "$out" || {
        echo "[ci-rasa] config.yml has no 'epochs:' line to shorten" >&2
        return 1
    }
    export RASA_CONFIG="$out"
}
ci_config
step setup "${ENV_SH[@]}" setup
step train "${ENV_SH[@]}" train
step start "${ENV_SH[@]}" start
step evaluate evaluate
step tests rasa_tests
step stop "${ENV_SH[@]}" stop

echo "[ci-rasa] step timings (total $((SECONDS - CI_STARTED)) s):"
printf '[ci-rasa]   %s\n' "${TIMINGS[@]}"
