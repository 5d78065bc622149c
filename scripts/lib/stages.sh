# Stage bookkeeping for scripts/test, sourced from it. Each stage runs even after an
# earlier one failed, so that one run shows every problem, and print_summary lists them all.

STAGE_NAMES=()
STAGE_RESULTS=()
STAGE_DETAILS=()

# Maximum run time of one stage, in seconds. It keeps a hung test from using up a CI job.
STAGE_TIMEOUT_SECONDS=${TEST_STAGE_TIMEOUT:-1200}

# Print a section header for NAME, run the command, and record pass or fail with its exit
# status. Any non-zero status is a failure, pytest's 5 (no tests collected) included.
run_stage() {
    local name=$1
    shift
    local started=$SECONDS
    local status=0

    printf '\n==> %s\n' "$name"
    printf '$'
    printf ' %q' "$@"
    printf '\n'

    # --foreground keeps the command in the terminal's process group, so Ctrl-C reaches it.
    timeout --foreground --kill-after=30 "$STAGE_TIMEOUT_SECONDS" "$@" || status=$?

    local elapsed=$((SECONDS - started))
    STAGE_NAMES+=("$name")
    if ((status == 0)); then
        STAGE_RESULTS+=(pass)
        STAGE_DETAILS+=("${elapsed}s")
    else
        STAGE_RESULTS+=(FAIL)
        STAGE_DETAILS+=("${elapsed}s, $(describe_exit_status "$status" "$@")")
    fi
}

# Record NAME as not run, with REASON in the summary.
skip_stage() {
    STAGE_NAMES+=("$1")
    STAGE_RESULTS+=(skip)
    STAGE_DETAILS+=("$2")
}

# Print a short explanation of a stage's non-zero exit STATUS for the command that follows it.
describe_exit_status() {
    local status=$1
    shift
    case $status in
        124) echo "timed out after ${STAGE_TIMEOUT_SECONDS}s (TEST_STAGE_TIMEOUT)" ;;
        137) echo "killed after the timeout" ;;
        *)
            local arg
            for arg in "$@"; do
                if [[ $arg == pytest && $status == 5 ]]; then
                    echo "exit 5: no tests collected"
                    return
                fi
            done
            echo "exit $status"
            ;;
    esac
}

# Print one line per stage and a closing verdict. Returns 1 when any stage failed.
print_summary() {
    local failed=0
    local run=0
    local i

    printf '\n==> Summary\n'
    for i in "${!STAGE_NAMES[@]}"; do
        printf '  %-4s  %-32s %s\n' "${STAGE_RESULTS[i]}" "${STAGE_NAMES[i]}" "${STAGE_DETAILS[i]}"
        case ${STAGE_RESULTS[i]} in
            FAIL) failed=$((failed + 1)) run=$((run + 1)) ;;
            pass) run=$((run + 1)) ;;
        esac
    done

    if ((failed > 0)); then
        echo "$failed of $run stages failed."
        return 1
    fi
    echo "All $run stages that ran passed."
}
