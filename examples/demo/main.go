// Command demo runs the Pay Score authorization flow end to end against
// `payscoregen sim` started as a separate process on loopback, and prints a
// short transcript of each step. `make demo` runs it; it builds the
// simulator, starts it, reads its settings, and stops it again.
//
//	go run ./examples/demo [-sim path/to/payscoregen]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/apierror"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/sim"
)

func main() {
	simPath := flag.String("sim", "", "payscoregen binary to run (default: build it into a temporary directory)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, *simPath, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// step prints one numbered line of the transcript.
type transcript struct {
	w io.Writer
	n int
}

func (t *transcript) step(format string, args ...any) {
	t.n++
	fmt.Fprintf(t.w, "%2d. %s\n", t.n, fmt.Sprintf(format, args...))
}

func run(ctx context.Context, simPath string, out io.Writer) error {
	tr := &transcript{w: out}
	fmt.Fprintln(out, "Pay Score authorization flow against `payscoregen sim` (offline: loopback only, throwaway keys)")
	dir, err := os.MkdirTemp("", "payscoregen-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	if simPath == "" {
		simPath = filepath.Join(dir, "payscoregen")
		build := exec.CommandContext(ctx, "go", "build", "-o", simPath, "github.com/payscoregen/payscoregen/cmd/payscoregen")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build payscoregen: %w", err)
		}
	}

	// The merchant's notify_url: https (the spec requires it), served by the
	// generated handler. The simulator trusts its certificate via -callback-ca.
	merchant := newMerchant()
	defer merchant.srv.Close()
	caFile := filepath.Join(dir, "callback-ca.pem")
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: merchant.srv.Certificate().Raw})
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		return err
	}

	keysFile := filepath.Join(dir, "sim.json")
	proc, err := startSim(ctx, simPath, keysFile, caFile)
	if err != nil {
		return err
	}
	defer proc.stop()
	cfg, err := loadConfig(keysFile)
	if err != nil {
		return err
	}
	tr.step("started `payscoregen sim` (pid %d) at %s; merchant key %s, platform key %s",
		proc.cmd.Process.Pid, cfg.BaseURL, cfg.MerchantSerial[:8]+"…", cfg.PlatformPublicKeyID)
	if err := merchant.setKeys(cfg); err != nil {
		return err
	}

	client, err := newClient(ctx, cfg)
	if err != nil {
		return err
	}
	control := &controlClient{base: cfg.BaseURL}
	ids := struct{ service, channel, subMch, code string }{"500001", "1230000109", "1900000110",
		"DEMO-" + time.Now().Format("20060102150405")}
	notifyURL := merchant.srv.URL + "/payscore/notify"

	applied, _, err := client.ApplyPermissions(ctx, &acquiringbank.ApplyPermissionsRequest{
		ServiceID: ids.service, ChannelID: ids.channel, AppID: "wxd678efh567hg6787", SubAppID: "wxd678efh567hg6786",
		SubMchID: ids.subMch, AuthorizationCode: ids.code, NotifyURL: notifyURL,
	})
	if err != nil {
		return fmt.Errorf("ApplyPermissions: %w", err)
	}
	token := applied.ApplyPermissionsToken
	tr.step("ApplyPermissions authorization_code=%s notify_url=%s\n    -> apply_permissions_token %s (valid 1 hour)", ids.code, notifyURL, short(token))

	jump, err := payscore.NewAuthorizeMiniprogramOpenBusinessView(payscore.AuthorizeMiniprogramData{ApplyPermissionsToken: token})
	if err != nil {
		return fmt.Errorf("jump: %w", err)
	}
	jumpJSON, err := json.Marshal(jump)
	if err != nil {
		return err
	}
	tr.step("mini program: wx.openBusinessView(%s)", strings.Replace(string(jumpJSON), token, short(token), 1))

	query := func() (*acquiringbank.QueryAuthorizationResponse, error) {
		resp, _, err := client.QueryAuthorization(ctx, &acquiringbank.QueryAuthorizationRequest{
			ServiceID: ids.service, ChannelID: ids.channel, SubMchID: ids.subMch, AuthorizationCode: ids.code,
		})
		return resp, err
	}
	q, err := query()
	if err != nil {
		return fmt.Errorf("QueryAuthorization: %w", err)
	}
	tr.step("QueryAuthorization -> %s (no user bound yet)", q.AuthorizationState)

	const openID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
	if err := control.post(ctx, "/sim/authorize", map[string]string{"apply_permissions_token": token, "openid": openID}, nil); err != nil {
		return err
	}
	open, err := merchant.waitOpen(ctx)
	if err != nil {
		return err
	}
	tr.step("user agrees in Pay Score (POST /sim/authorize)\n    -> merchant handler got %s: sub_openid=%s openorclose_time=%s",
		acquiringbank.UserOpenServiceEventType, open.Data.SubOpenID, open.Data.OpenorcloseTime)

	q, err = query()
	if err != nil {
		return fmt.Errorf("QueryAuthorization: %w", err)
	}
	tr.step("QueryAuthorization -> %s since %s, user_label %s", q.AuthorizationState, q.AuthorizationSuccessTime, q.UserLabel)

	var redelivered struct {
		Attempt sim.Attempt `json:"attempt"`
	}
	if err := control.post(ctx, "/sim/redeliver", map[string]string{"id": open.Envelope.ID}, &redelivered); err != nil {
		return err
	}
	tr.step("WeChat sends %s again (POST /sim/redeliver) -> merchant answered %d; the handler ran %d time(s) for it (duplicate absorbed)",
		open.Envelope.ID, redelivered.Attempt.Status, merchant.openCount())

	if err := control.post(ctx, "/sim/faults", map[string]any{"operation": "query_authorization", "code": "SYSTEM_ERROR", "count": 1}, nil); err != nil {
		return err
	}
	_, err = query()
	if !errors.Is(err, payscore.ErrSystemError) || !apierror.Retryable(err) {
		return fmt.Errorf("want an injected SYSTEM_ERROR, got %v", err)
	}
	tr.step("injected SYSTEM_ERROR (POST /sim/faults) -> QueryAuthorization: %v\n    errors.Is(err, payscore.ErrSystemError)=true, apierror.Retryable(err)=true", err)
	if q, err = query(); err != nil {
		return fmt.Errorf("QueryAuthorization retry: %w", err)
	}
	tr.step("retry with the same parameters -> %s", q.AuthorizationState)

	if _, err := client.TerminateAuthorization(ctx, &acquiringbank.TerminateAuthorizationRequest{
		AuthorizationCode: ids.code, ServiceID: ids.service, ChannelID: ids.channel, SubMchID: ids.subMch, Reason: "用户要求解除授权",
	}); err != nil {
		return fmt.Errorf("TerminateAuthorization: %w", err)
	}
	closed, err := merchant.waitClose(ctx)
	if err != nil {
		return err
	}
	tr.step("TerminateAuthorization -> 204 No Content\n    -> merchant handler got %s: openorclose_time=%s",
		acquiringbank.UserCloseServiceEventType, closed.Data.OpenorcloseTime)

	q, err = query()
	if err != nil {
		return fmt.Errorf("QueryAuthorization: %w", err)
	}
	tr.step("QueryAuthorization -> %s, cancel_authorization_time %s", q.AuthorizationState, q.CancelAuthorizationTime)

	if err := proc.stop(); err != nil {
		return err
	}
	tr.step("stopped the simulator; every response was signature-checked by wechatpay-go, every notification by the handler")
	return nil
}

func short(s string) string {
	if len(s) <= 20 {
		return s
	}
	return s[:16] + "…(" + fmt.Sprint(len(s)) + " chars)"
}

// simProcess is `payscoregen sim` running as a child process.
type simProcess struct {
	cmd  *exec.Cmd
	done chan error
	once sync.Once
	err  error
}

// startSim starts the simulator and waits for its ready line.
func startSim(ctx context.Context, path, keysFile, caFile string) (*simProcess, error) {
	cmd := exec.Command(path, "sim", "-addr", "127.0.0.1:0", "-keys", keysFile, "-callback-ca", caFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	p := &simProcess{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signaled := false
		for sc.Scan() {
			if !signaled && strings.HasPrefix(sc.Text(), "payscoregen sim: ready on ") {
				close(ready)
				signaled = true
			}
		}
		p.done <- cmd.Wait()
	}()
	t := time.NewTimer(20 * time.Second)
	defer t.Stop()
	select {
	case <-ready:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("payscoregen sim exited before it was ready: %v: %s", err, stderr.String())
	case <-t.C:
	case <-ctx.Done():
	}
	_ = cmd.Process.Kill()
	<-p.done
	return nil, errors.New("payscoregen sim did not become ready")
}

// stop interrupts the simulator and waits for it (killing it after 5s).
func (p *simProcess) stop() error {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(os.Interrupt)
		t := time.NewTimer(5 * time.Second)
		defer t.Stop()
		select {
		case err := <-p.done:
			p.err = err
		case <-t.C:
			_ = p.cmd.Process.Kill()
			<-p.done
			p.err = errors.New("payscoregen sim did not stop on interrupt; killed")
		}
	})
	return p.err
}

func loadConfig(path string) (sim.Config, error) {
	var c sim.Config
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return c, fmt.Errorf("read the simulator's settings: %w", err)
	}
	return c, nil
}

// newClient is the generated client on wechatpay-go, in public-key mode.
func newClient(ctx context.Context, cfg sim.Config) (*acquiringbank.Client, error) {
	key, err := utils.LoadPrivateKey(cfg.MerchantPrivateKeyPEM)
	if err != nil {
		return nil, err
	}
	pub, err := utils.LoadPublicKey(cfg.PlatformPublicKeyPEM)
	if err != nil {
		return nil, err
	}
	c, err := core.NewClient(ctx, option.WithWechatPayPublicKeyAuthCipher(cfg.MchID, cfg.MerchantSerial, key, cfg.PlatformPublicKeyID, pub))
	if err != nil {
		return nil, err
	}
	return acquiringbank.NewClient(c, acquiringbank.WithBaseURL(cfg.BaseURL)), nil
}

// merchant is the merchant's notification endpoint.
type merchant struct {
	srv     *httptest.Server
	mu      sync.Mutex
	handler http.Handler
	opens   int
	open    chan *acquiringbank.UserOpenServiceEvent
	close   chan *acquiringbank.UserCloseServiceEvent
}

func newMerchant() *merchant {
	m := &merchant{open: make(chan *acquiringbank.UserOpenServiceEvent, 4), close: make(chan *acquiringbank.UserCloseServiceEvent, 4)}
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		h := m.handler
		m.mu.Unlock()
		if h == nil {
			notify.WriteFail(w, http.StatusServiceUnavailable, "not ready")
			return
		}
		h.ServeHTTP(w, r)
	}))
	return m
}

// setKeys builds the generated handler once the simulator's keys are known.
func (m *merchant) setKeys(cfg sim.Config) error {
	pub, err := utils.LoadPublicKey(cfg.PlatformPublicKeyPEM)
	if err != nil {
		return err
	}
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: cfg.APIv3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(cfg.PlatformPublicKeyID, *pub),
	})
	if err != nil {
		return err
	}
	h := acquiringbank.NewAuthorizationNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.AuthorizationNotifyHandlers{
		OnUserOpenService: func(_ context.Context, ev *acquiringbank.UserOpenServiceEvent) error {
			m.mu.Lock()
			m.opens++
			m.mu.Unlock()
			m.open <- ev
			return nil
		},
		OnUserCloseService: func(_ context.Context, ev *acquiringbank.UserCloseServiceEvent) error {
			m.close <- ev
			return nil
		},
	}, notify.WithLogger(nil))
	m.mu.Lock()
	m.handler = h
	m.mu.Unlock()
	return nil
}

func (m *merchant) openCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.opens
}

func (m *merchant) waitOpen(ctx context.Context) (*acquiringbank.UserOpenServiceEvent, error) {
	return wait(ctx, m.open, acquiringbank.UserOpenServiceEventType)
}

func (m *merchant) waitClose(ctx context.Context) (*acquiringbank.UserCloseServiceEvent, error) {
	return wait(ctx, m.close, acquiringbank.UserCloseServiceEventType)
}

func wait[T any](ctx context.Context, ch chan T, what string) (T, error) {
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case v := <-ch:
		return v, nil
	case <-t.C:
	case <-ctx.Done():
	}
	var zero T
	return zero, errors.New("no " + what + " notification arrived")
}

// controlClient calls the simulator's control API.
type controlClient struct{ base string }

func (c *controlClient) post(ctx context.Context, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, bytes.TrimSpace(body))
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}
