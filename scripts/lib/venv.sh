# Virtual environment for scripts/test, sourced from it.

# Create .venv when it is missing and install the package with its dev extra into it.
# The install runs again when pyproject.toml is newer than the stamp file that the last
# successful install left. An flock on .venv/.install.lock keeps two runs in the same
# checkout from installing at once. Sets VENV_DIR and VENV_PYTHON.
ensure_venv() {
    local repo_root=$1
    VENV_DIR="$repo_root/.venv"
    VENV_PYTHON="$VENV_DIR/bin/python"
    local stamp="$VENV_DIR/.django-upwork-install-stamp"
    local install_log="$VENV_DIR/install.log"
    local lock_fd

    mkdir -p "$VENV_DIR"
    exec {lock_fd}>"$VENV_DIR/.install.lock"
    flock "$lock_fd"

    if [[ ! -x $VENV_PYTHON ]]; then
        echo "==> Creating .venv with ${PYTHON:-python3}"
        "${PYTHON:-python3}" -m venv "$VENV_DIR"
    fi
    if ! "$VENV_PYTHON" -c '' 2>/dev/null; then
        echo "scripts/test: $VENV_PYTHON failed to start. Delete .venv and run scripts/test again to recreate it." >&2
        return 1
    fi

    if [[ ! -e $stamp || $repo_root/pyproject.toml -nt $stamp ]]; then
        echo "==> Installing django-upwork[dev] into .venv (output in .venv/install.log)"
        if ! (cd "$repo_root" && "$VENV_PYTHON" -m pip install --quiet --editable '.[dev]') \
            >"$install_log" 2>&1; then
            echo "scripts/test: pip install -e '.[dev]' failed. The last lines of $install_log:" >&2
            tail -n 40 "$install_log" >&2
            return 1
        fi
        touch "$stamp"
    fi

    flock --unlock "$lock_fd"
    exec {lock_fd}>&-
}
