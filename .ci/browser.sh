# Sourced by .ci/run: the browser tests of the simulator console
# (tests/console) need Chromium. Install Debian's chromium when it is missing
# and make a missing browser a test failure rather than a skip.
if [ -z "${PAYSCOREGEN_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
	echo "ci: installing chromium for the console browser tests"
	apt-get update
	# fonts-wqy-microhei: failure screenshots show the pages' Chinese text.
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-wqy-microhei
fi
export PAYSCOREGEN_CHROMIUM="${PAYSCOREGEN_CHROMIUM:-$(command -v chromium)}"
export PAYSCOREGEN_REQUIRE_BROWSER=1
echo "ci: console browser tests use $PAYSCOREGEN_CHROMIUM ($("$PAYSCOREGEN_CHROMIUM" --version 2>/dev/null | head -n1))"
