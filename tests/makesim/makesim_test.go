//go:build linux || darwin

// Package makesim checks that `make sim` (the simulator the README tells
// people to run beside their app) stops cleanly on Ctrl-C and when make
// itself is told to stop, instead of leaving a simulator behind.
package makesim

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/sim"
)

// binDir holds the binary make sim builds, shared by the tests so it is
// linked once (make sim rebuilds it, from the build cache).
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "makesim-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startMakeSim runs make sim in its own process group and waits for the
// simulator to be ready; it returns make and the simulator's settings.
func startMakeSim(t *testing.T) (*exec.Cmd, sim.Config, *output) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	keys := filepath.Join(t.TempDir(), "sim.json")
	cmd := exec.Command("make", "--no-print-directory", "sim",
		"SIMBIN="+filepath.Join(binDir, "payscoregen"), "SIMFLAGS=-addr 127.0.0.1:0 -keys "+keys+" -callback-http")
	cmd.Dir = "../.."
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	log := &output{}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	ready := make(chan error, 2)
	log.done = make(chan struct{})
	go func() {
		defer close(log.done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			_, _ = log.Write([]byte(sc.Text() + "\n"))
			if strings.Contains(sc.Text(), ": ready on ") {
				ready <- nil
			}
		}
		ready <- errors.New("make sim ended before the simulator was ready")
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("make sim not ready after 2 minutes\n%s", log.String())
	}
	data, err := os.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	var cfg sim.Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if !answers(cfg.BaseURL) {
		t.Fatalf("the simulator at %s does not answer", cfg.BaseURL)
	}
	return cmd, cfg, log
}

// output collects make's stdout and stderr.
type output struct {
	mu   sync.Mutex
	b    strings.Builder
	done chan struct{} // stdout read to the end
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

func answers(baseURL string) bool {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(baseURL + "/sim/clock")
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// waitExit waits for make to end and checks the simulator is gone with it.
func waitExit(t *testing.T, cmd *exec.Cmd, cfg sim.Config, log *output) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		<-log.done // Wait closes stdout: read it all first
		done <- cmd.Wait()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("make sim still running 20s after the signal\n%s", log.String())
	}
	// The whole process group is gone: no simulator left behind.
	if err := syscall.Kill(-cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("processes of make sim's group still run after make ended (kill 0: %v)", err)
	}
	if answers(cfg.BaseURL) {
		t.Errorf("the simulator at %s still answers after make ended", cfg.BaseURL)
	}
	// It stopped itself (server shut down), rather than being killed.
	if !strings.Contains(log.String(), "payscoregen sim: stopping") {
		t.Errorf("the simulator did not stop cleanly; output:\n%s", log.String())
	}
}

// Ctrl-C in a terminal sends SIGINT to the foreground process group.
func TestMakeSimStopsOnCtrlC(t *testing.T) {
	cmd, cfg, log := startMakeSim(t)
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitExit(t, cmd, cfg, log)
}

// A supervisor (a CI step, a process manager, kill PID) signals make only.
func TestMakeSimStopsWhenMakeIsTerminated(t *testing.T) {
	cmd, cfg, log := startMakeSim(t)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, cmd, cfg, log)
}
