package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// `payscoregen sim` serves the console at / and writes the APIv2 key the
// console checks jumps with to the -keys file.
func TestSimServesConsole(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "sim.json")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"sim", "-keys", keys}, &out, &errOut) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("sim exited %d: %s", code, errOut.String())
		}
	}()
	ready := regexp.MustCompile(`console on (http://127\.0\.0\.1:\d+)/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := ready.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "ready on") {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no console line:\n%s\n%s", out.String(), errOut.String())
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "payscoregen sim") || !strings.Contains(string(page), base) {
		t.Fatalf("GET /: %d\n%s", resp.StatusCode, page)
	}
	b, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		BaseURL  string `json:"base_url"`
		APIv2Key string `json:"apiv2_key"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil || cfg.BaseURL != base || len(cfg.APIv2Key) != 32 {
		t.Fatalf("-keys file: %s (%v)", b, err)
	}
	if strings.Contains(out.String(), cfg.APIv2Key) {
		t.Error("with -keys the APIv2 key is printed")
	}
}
