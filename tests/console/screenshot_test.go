package console_test

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var screenshot = flag.String("screenshot", "", "write the README's console screenshot (PNG) to this file")

// TestREADMEScreenshot makes docs/console.png:
//
//	go test ./tests/console -run TestREADMEScreenshot -args -screenshot=$PWD/docs/console.png
func TestREADMEScreenshot(t *testing.T) {
	if *screenshot == "" {
		t.Skip("run with -args -screenshot=FILE to write the README's screenshot")
	}
	w := newWorld(t)
	w.apply(t, "AUTH-2025-0001")
	w.apply(t, "AUTH-2025-0002")
	w.apply(t, "AUTH-2025-0003")
	if _, err := w.sim.Authorize("AUTH-2025-0001", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(90 * time.Second)
	w.merchant.failing.Store(true)
	if _, err := w.sim.Authorize("AUTH-2025-0002", "oUpF8uN95nbJ6Og0hNYkmBVi3W7s"); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(15 * time.Second)

	b := openTab(t, w.sim.URL())
	b.open("/console/deliveries")
	b.waitJS(`document.getElementById('live-status').dataset.state === 'live'`, "the live connection")
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
