// Command demo runs the acquiring-bank Pay Score flow end to end against
// `payscoregen sim` started as a separate process on loopback, and prints a
// short transcript of each step. `make demo` runs it; it builds the
// simulator, starts it, reads its settings, and stops it again. The flow:
// authorize (USER_OPEN_SERVICE), create an order, the confirm-order jump,
// USER_CONFIRM, complete, USER_PAID, query DONE, cancel a second order,
// terminate the authorization.
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
	fmt.Fprintln(out, "Pay Score acquiring-bank flow against `payscoregen sim` (offline: loopback only, throwaway keys)")
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

	if err := serviceOrders(ctx, tr, client, control, merchant, merchant.srv.URL+"/payscore/orders", open.Data.SubOpenID); err != nil {
		return err
	}

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
	handler http.Handler // /payscore/notify: the authorization callback
	orders  http.Handler // /payscore/orders: create's notify_url
	opens   int
	open    chan *acquiringbank.UserOpenServiceEvent
	close   chan *acquiringbank.UserCloseServiceEvent
	confirm chan *acquiringbank.UserConfirmEvent
	paid    chan *acquiringbank.UserPaidEvent
}

func newMerchant() *merchant {
	m := &merchant{open: make(chan *acquiringbank.UserOpenServiceEvent, 4), close: make(chan *acquiringbank.UserCloseServiceEvent, 4),
		confirm: make(chan *acquiringbank.UserConfirmEvent, 4), paid: make(chan *acquiringbank.UserPaidEvent, 4)}
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		h := m.handler
		if r.URL.Path == "/payscore/orders" {
			h = m.orders
		}
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
	h, err := acquiringbank.NewAuthorizationNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.AuthorizationNotifyHandlers{
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
		// A verified notification that breaks the doc: keep it for review
		// (a real merchant stores inv.Notification.Body and inv.Reasons).
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			fmt.Fprintf(os.Stderr, "demo: invalid notification %s: %v\n", inv.Notification.Envelope.ID, inv.Reasons)
			return nil
		},
	}, notify.WithLogger(nil))
	if err != nil {
		return err
	}
	o, err := acquiringbank.NewOrderNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.OrderNotifyHandlers{
		OnUserConfirm: func(_ context.Context, ev *acquiringbank.UserConfirmEvent) error {
			m.confirm <- ev
			return nil
		},
		OnUserPaid: func(_ context.Context, ev *acquiringbank.UserPaidEvent) error {
			m.paid <- ev
			return nil
		},
		Default: func(context.Context, *notify.Notification) error { return nil }, // MCH_PREPAY: the demo does not act on it
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			fmt.Fprintf(os.Stderr, "demo: invalid order notification %s: %v\n", inv.Notification.Envelope.ID, inv.Reasons)
			return nil
		},
	}, notify.WithLogger(nil))
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.handler, m.orders = h, o
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

// serviceOrders walks the order lifecycle: create, the confirm-order jump and
// its return, USER_CONFIRM, complete, USER_PAID, query, and a cancelled
// second order.
func serviceOrders(ctx context.Context, tr *transcript, client *acquiringbank.Client, control *controlClient, m *merchant,
	notifyURL, subOpenID string) error {
	const service, subMch, channel = "500001", "1900000110", "1230000109"
	no := "ORDER-" + time.Now().Format("20060102150405")
	create := &acquiringbank.CreateServiceOrderRequest{
		ServiceID: service, AppID: "wxd678efh567hg6787", SubMchID: subMch, SubAppID: "wxd678efh567hg6786", ChannelID: channel,
		OutOrderNo: no, ServiceIntroduction: "共享充电宝", SubOpenID: subOpenID,
		PostPayments: []payscore.PostPayment{{Name: "租借费", Amount: 600, Description: "每小时2元", Count: 3}},
		RiskFund:     payscore.RiskFund{Name: payscore.RiskFundNameDeposit, Amount: 9900, Description: "充电宝押金"},
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL:    notifyURL,
	}
	created, _, err := client.CreateServiceOrder(ctx, create)
	if err != nil {
		return fmt.Errorf("CreateServiceOrder: %w", err)
	}
	tr.step("CreateServiceOrder out_order_no=%s risk_fund DEPOSIT 99.00 yuan notify_url=%s\n    -> %s, order_id %s, package %s",
		no, notifyURL, created.State, created.OrderID, short(created.Package))

	jump, err := payscore.NewConfirmOrderPackageOpenBusinessView(payscore.ConfirmOrderPackageData{Package: created.Package})
	if err != nil {
		return fmt.Errorf("confirm jump: %w", err)
	}
	tr.step("mini program: wx.openBusinessView({businessType: %q, extraData: {package: %s}})", jump.BusinessType, short(jump.ExtraData.Package))

	var confirmed struct {
		QueryID string `json:"query_id"`
	}
	if err := control.post(ctx, "/sim/orders/confirm", map[string]string{"package": created.Package}, &confirmed); err != nil {
		return err
	}
	ev, err := wait(ctx, m.confirm, acquiringbank.UserConfirmEventType)
	if err != nil {
		return err
	}
	tr.step("user confirms in Pay Score (POST /sim/orders/confirm)\n    -> merchant handler got %s: %s/%s, start_time %s",
		acquiringbank.UserConfirmEventType, ev.Data.State, ev.Data.StateDescription, ev.Data.TimeRange.StartTime)

	// App.onShow (scene 1038) hands referrerInfo.extraData to the back end.
	extraData, _ := json.Marshal(map[string]string{"query_id": confirmed.QueryID})
	ret, err := payscore.ParseConfirmOrderReturn(extraData)
	if err != nil {
		return err
	}
	q, _, err := client.QueryServiceOrder(ctx, &acquiringbank.QueryServiceOrderRequest{
		ServiceID: service, SubMchID: subMch, ChannelID: channel, QueryID: ret.QueryID})
	if err != nil {
		return fmt.Errorf("QueryServiceOrder: %w", err)
	}
	tr.step("back from Pay Score with query_id %s -> QueryServiceOrder(query_id) -> %s/%s", short(ret.QueryID), q.State, q.StateDescription)

	if _, err := client.CompleteServiceOrder(ctx, &acquiringbank.CompleteServiceOrderRequest{
		OutOrderNo: no, ServiceID: service, SubMchID: subMch, ChannelID: channel,
		PostPayments:  []payscore.PostPayment{{Name: "租借费", Amount: 600}},
		PostDiscounts: []payscore.PostDiscount{{Name: "新用户优惠", Description: "首单减1元", Amount: 100}},
		TotalAmount:   500,
	}); err != nil {
		return fmt.Errorf("CompleteServiceOrder: %w", err)
	}
	tr.step("CompleteServiceOrder total_amount 500 = 600 - 100 fen -> 204 No Content (DOING/MCH_COMPLETE, collection USER_PAYING)")

	if err := control.post(ctx, "/sim/orders/pay", map[string]string{"out_order_no": no}, nil); err != nil {
		return err
	}
	paid, err := wait(ctx, m.paid, acquiringbank.UserPaidEventType)
	if err != nil {
		return err
	}
	tr.step("user pays (POST /sim/orders/pay)\n    -> merchant handler got %s: %s, paid %d fen", acquiringbank.UserPaidEventType, paid.Data.State,
		paid.Data.Collection.PaidAmount)

	q, _, err = client.QueryServiceOrder(ctx, &acquiringbank.QueryServiceOrderRequest{
		ServiceID: service, SubMchID: subMch, ChannelID: channel, OutOrderNo: no})
	if err != nil {
		return fmt.Errorf("QueryServiceOrder: %w", err)
	}
	d := q.Collection.Details[0]
	tr.step("QueryServiceOrder -> %s, collection %s: paid %d fen (%s at %s, transaction %s)", q.State, q.Collection.State,
		q.Collection.PaidAmount, d.PaidType, d.PaidTime, d.TransactionID)
	if _, err := client.CancelServiceOrder(ctx, &acquiringbank.CancelServiceOrderRequest{
		OutOrderNo: no, ServiceID: service, SubMchID: subMch, ChannelID: channel, Reason: "重复订单"}); !errors.Is(err, payscore.ErrOrderDone) {
		return fmt.Errorf("cancel of a DONE order: want ORDER_DONE, got %v", err)
	}
	tr.step("CancelServiceOrder on the DONE order -> errors.Is(err, payscore.ErrOrderDone)")

	second := *create
	second.OutOrderNo = no + "-2"
	if _, _, err := client.CreateServiceOrder(ctx, &second); err != nil {
		return fmt.Errorf("CreateServiceOrder: %w", err)
	}
	if _, err := client.CancelServiceOrder(ctx, &acquiringbank.CancelServiceOrderRequest{
		OutOrderNo: second.OutOrderNo, ServiceID: service, SubMchID: subMch, ChannelID: channel, Reason: "用户未取走设备"}); err != nil {
		return fmt.Errorf("CancelServiceOrder: %w", err)
	}
	q, _, err = client.QueryServiceOrder(ctx, &acquiringbank.QueryServiceOrderRequest{
		ServiceID: service, SubMchID: subMch, ChannelID: channel, OutOrderNo: second.OutOrderNo})
	if err != nil {
		return fmt.Errorf("QueryServiceOrder: %w", err)
	}
	tr.step("second order %s: CreateServiceOrder, CancelServiceOrder -> 204; QueryServiceOrder -> %s", second.OutOrderNo, q.State)
	return nil
}
