// Package console_test clicks through the simulator console in a real
// headless Chromium (Debian's chromium package, driven by chromedp), against
// a simulator, a merchant notify handler made of generated code, and the
// generated client.
//
// The browser is PAYSCOREGEN_CHROMIUM or `chromium` on PATH. Without one the
// tests skip, naming what is missing, unless PAYSCOREGEN_REQUIRE_BROWSER=1
// (CI), which makes a missing browser a failure. A failing test saves a
// screenshot of its tab; the failure message names the file.
package console_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	envChromium       = "PAYSCOREGEN_CHROMIUM"
	envRequireBrowser = "PAYSCOREGEN_REQUIRE_BROWSER"
	// envArtifacts names a directory for failure screenshots (default: a new
	// directory under the system's temp dir).
	envArtifacts = "PAYSCOREGEN_ARTIFACTS"
	// stepTimeout bounds each wait in the browser.
	stepTimeout = 10 * time.Second
)

var browser struct {
	once    sync.Once
	ctx     context.Context // the browser's first tab; every test opens its own
	err     error
	cancel  func()
	dataDir string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dataDir != "" {
		_ = os.RemoveAll(browser.dataDir)
	}
	os.Exit(code)
}

// chromiumPath finds the browser, or says what is missing.
func chromiumPath() (string, string) {
	if p := os.Getenv(envChromium); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Sprintf("%s=%s: %v", envChromium, p, err)
		}
		return p, ""
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, ""
	}
	return "", "no Chromium: set " + envChromium + " to its binary or install Debian's chromium package (apt-get install chromium)"
}

// needBrowser skips (or, under PAYSCOREGEN_REQUIRE_BROWSER=1, fails) without
// a browser, and starts the shared one on first use.
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	path, missing := chromiumPath()
	if missing != "" {
		if os.Getenv(envRequireBrowser) == "1" {
			t.Fatalf("browser tests required (%s=1) but: %s", envRequireBrowser, missing)
		}
		t.Skipf("SKIP browser test: %s", missing)
	}
	browser.once.Do(func() {
		dir, err := os.MkdirTemp("", "payscoregen-chromium-profile-")
		if err != nil {
			browser.err = err
			return
		}
		browser.dataDir = dir
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1360, 900),
		)
		ctx, cancelCtx := chromedp.NewContext(alloc)
		browser.cancel = func() { cancelCtx(); cancelAlloc() }
		// The first Run starts the browser; it must not carry a timeout.
		browser.err = chromedp.Do(ctx)
		browser.ctx = ctx
	})
	if browser.err != nil {
		t.Fatalf("start Chromium (%s): %v", path, browser.err)
	}
	return browser.ctx
}

// tab is one browser tab of a test, on the console at base.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// openTab opens a tab; when the test fails, a screenshot of the tab is saved
// and its path logged.
func openTab(t *testing.T, base string) *tab {
	t.Helper()
	parent := needBrowser(t)
	ctx, cancel := chromedp.NewContext(parent)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	t.Cleanup(func() { // runs before cancel
		if t.Failed() {
			saveScreenshot(t, ctx)
		}
	})
	return &tab{t: t, ctx: ctx, base: base}
}

func saveScreenshot(t *testing.T, ctx context.Context) {
	dir := os.Getenv(envArtifacts)
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "payscoregen-console-artifacts-")
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	name := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	t.Errorf("screenshot of the failing tab: %s", name)
}

func (b *tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open navigates to a console path.
func (b *tab) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path))
	b.waitJS("document.readyState === 'complete'", "the page to load")
}

// submit clicks a button that posts a form and waits for the page it leads to.
func (b *tab) submit(id string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID(id)))
	if err != nil {
		b.t.Fatalf("click #%s: %v", id, err)
	}
	if resp.Status != 200 {
		b.t.Fatalf("click #%s: the page after it answered %d", id, resp.Status)
	}
}

func (b *tab) setValue(id, v string) {
	b.t.Helper()
	b.run("set #"+id, chromedp.SetValue(chromedp.ID(id), v))
}

// waitJS waits until a JavaScript expression is truthy.
func (b *tab) waitJS(expr, what string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Fatalf("waiting for %s: %v\npage text:\n%s", what, err, b.pageText())
	}
}

// waitText waits until the element of a CSS selector contains every text.
func (b *tab) waitText(css string, texts ...string) {
	b.t.Helper()
	var conds []string
	for _, s := range texts {
		conds = append(conds, "t.includes("+strconv.Quote(s)+")")
	}
	expr := fmt.Sprintf("(() => { const e = document.querySelector(%s); if (!e) return false; const t = e.innerText; return %s; })()",
		strconv.Quote(css), strings.Join(conds, " && "))
	b.waitJS(expr, fmt.Sprintf("%s to show %q", css, texts))
}

func (b *tab) text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		"(() => { const e = document.querySelector(%s); return e ? e.innerText : ''; })()", strconv.Quote(css))))
	if err != nil {
		b.t.Fatalf("read %s: %v", css, err)
	}
	return s
}

func (b *tab) pageText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	return s
}
