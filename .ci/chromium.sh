# Sourced by .ci/run: installs Debian's chromium and chromium-driver if missing, for the
# web page's browser test (tests/e2e/test_web_e2e.py, Selenium in headless mode).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "== installing chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
echo "== $(chromium --version 2>/dev/null | head -n 1), $(chromedriver --version | head -n 1)"
