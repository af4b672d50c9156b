package e2e

// The acquiring-bank service-order lifecycle end to end against the
// simulator, with public APIs only: the generated acquiringbank client on
// wechatpay-go (real signatures, verified answers), the generated
// confirm-order jump builder and return parser (payscore), the generated
// order-notification handler (verify, decrypt, dedupe), and package sim
// playing WeChat Pay and the user.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
	"github.com/payscoregen/payscoregen/sim"
)

// orderMerchant is the generated order-notification handler behind a
// gateway that drops the first request (so the retry schedule is exercised).
type orderMerchant struct {
	srv      *httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	confirm  []*acquiringbank.UserConfirmEvent
	paid     []*acquiringbank.UserPaidEvent
	prepay   []*acquiringbank.MchPrepayEvent
}

func newOrderMerchant(t *testing.T) *orderMerchant {
	t.Helper()
	keys(t)
	parser, err := notify.NewParser(notify.Config{
		APIv3Key: apiV3Key,
		Verifier: verifiers.NewSHA256WithRSAPubkeyVerifier(publicKeyID, platformKey.PublicKey),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := &orderMerchant{}
	h, err := acquiringbank.NewOrderNotifyHandler(parser, dedupe.NewMemoryStore(), acquiringbank.OrderNotifyHandlers{
		OnUserConfirm: func(_ context.Context, ev *acquiringbank.UserConfirmEvent) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.confirm = append(m.confirm, ev)
			return nil
		},
		OnUserPaid: func(_ context.Context, ev *acquiringbank.UserPaidEvent) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.paid = append(m.paid, ev)
			return nil
		},
		OnMchPrepay: func(_ context.Context, ev *acquiringbank.MchPrepayEvent) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			m.prepay = append(m.prepay, ev)
			return nil
		},
		OnInvalid: func(_ context.Context, inv *notify.Invalid) error {
			t.Errorf("invalid notification: %v", inv.Reasons)
			return inv.Err
		},
	}, notify.WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	m.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.requests.Add(1) == 1 {
			notify.WriteFail(w, http.StatusServiceUnavailable, "starting up")
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func (m *orderMerchant) counts() (confirm, paid, prepay int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.confirm), len(m.paid), len(m.prepay)
}

const (
	orderServiceID = "500001"
	orderAppID     = "wxd678efh567hg6787"
	orderSubMchID  = "1900000110"
	orderSubAppID  = "wxd678efh567hg6786"
	orderChannelID = "1230000109"
)

func createRequest(no, notifyURL string) *acquiringbank.CreateServiceOrderRequest {
	return &acquiringbank.CreateServiceOrderRequest{
		ServiceID: orderServiceID, AppID: orderAppID, SubMchID: orderSubMchID, SubAppID: orderSubAppID, ChannelID: orderChannelID,
		OutOrderNo: no, ServiceIntroduction: "共享充电宝",
		PostPayments:  []payscore.PostPayment{{Name: "租借费", Amount: 600, Description: "每小时2元", Count: 3}},
		PostDiscounts: []payscore.PostDiscount{{Name: "新用户优惠", Description: "首单减1元", Amount: 100}},
		RiskFund:      payscore.RiskFund{Name: payscore.RiskFundNameDeposit, Amount: 9900, Description: "充电宝押金"},
		TimeRange:     payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL:     notifyURL,
	}
}

func completeRequest(no string) *acquiringbank.CompleteServiceOrderRequest {
	return &acquiringbank.CompleteServiceOrderRequest{
		OutOrderNo: no, ServiceID: orderServiceID, SubMchID: orderSubMchID, ChannelID: orderChannelID,
		PostPayments:  []payscore.PostPayment{{Name: "租借费", Amount: 600}},
		PostDiscounts: []payscore.PostDiscount{{Name: "新用户优惠", Description: "首单减1元", Amount: 100}},
		TotalAmount:   500,
	}
}

func TestOrderFlow(t *testing.T) {
	ctx := context.Background()
	merchant := newOrderMerchant(t)
	clock := sim.NewClock(time.Now().Truncate(time.Second))
	s := newSimulator(t, clock, merchant.srv.Client())
	acq := newClient(t, s, merchantKey, &platformKey.PublicKey)
	notifyURL := merchant.srv.URL + "/payscore/orders"
	flush := func() {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := s.Flush(c); err != nil {
			t.Fatal(err)
		}
	}
	refused := func(what string, err error, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", what, err, want)
		}
	}
	keysOf := func(no string) (svc, sub, ch, ono string) { return orderServiceID, orderSubMchID, orderChannelID, no }
	query := func(no string) *acquiringbank.QueryServiceOrderResponse {
		t.Helper()
		svc, sub, ch, ono := keysOf(no)
		r, _, err := acq.QueryServiceOrder(ctx, &acquiringbank.QueryServiceOrderRequest{ServiceID: svc, SubMchID: sub, ChannelID: ch, OutOrderNo: ono})
		if err != nil {
			t.Fatalf("query %s: %v", no, err)
		}
		return r
	}
	cancelReq := func(no string) *acquiringbank.CancelServiceOrderRequest {
		return &acquiringbank.CancelServiceOrderRequest{OutOrderNo: no, ServiceID: orderServiceID, ChannelID: orderChannelID, SubMchID: orderSubMchID, Reason: "用户取消"}
	}
	modifyReq := func(no string, total int64) *acquiringbank.ModifyServiceOrderRequest {
		return &acquiringbank.ModifyServiceOrderRequest{OutOrderNo: no, ServiceID: orderServiceID, SubMchID: orderSubMchID, TotalAmount: total, Reason: "归还超时减免"}
	}
	paidAt, _ := wxtime.ParseChinaTime("20250301120000")
	syncReq := func(no string) *acquiringbank.SyncServiceOrderRequest {
		return &acquiringbank.SyncServiceOrderRequest{OutOrderNo: no, ServiceID: orderServiceID, SubMchID: orderSubMchID,
			Type: acquiringbank.SyncTypeOrderPaid, Detail: acquiringbank.SyncServiceOrderRequestDetail{PaidTime: paidAt}}
	}
	registerReq := func(no string) *acquiringbank.RegisterDeductInfoRequest {
		return &acquiringbank.RegisterDeductInfoRequest{OutOrderNo: no, ServiceID: orderServiceID, SubMchID: orderSubMchID, ChannelID: orderChannelID, OutTradeNo: "DEDUCT-1"}
	}
	deductionReq := &acquiringbank.QueryDeductionRequest{ServiceID: orderServiceID, AppID: orderAppID, SubMchID: orderSubMchID, ChannelID: orderChannelID, OutOrderNo: "ORDER-1"}

	// 1. Create; the same call again is the same order; other parameters are refused.
	created, _, err := acq.CreateServiceOrder(ctx, createRequest("ORDER-1", notifyURL))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if created.State != acquiringbank.StateCreated || created.Package == "" {
		t.Fatalf("create: %+v", created)
	}
	if again, _, err := acq.CreateServiceOrder(ctx, createRequest("ORDER-1", notifyURL)); err != nil || again.OrderID != created.OrderID {
		t.Fatalf("re-entry: %v %+v", err, again)
	}
	changed := createRequest("ORDER-1", notifyURL)
	changed.ServiceIntroduction = "共享单车"
	_, _, err = acq.CreateServiceOrder(ctx, changed)
	refused("create with other parameters", err, payscore.ErrInvalidRequest)

	// Wrong state: nothing but cancel works on a CREATED order.
	_, err = acq.CompleteServiceOrder(ctx, completeRequest("ORDER-1"))
	refused("complete CREATED", err, payscore.ErrInvalidOrderState)
	_, err = acq.ModifyServiceOrder(ctx, modifyReq("ORDER-1", 400))
	refused("modify CREATED", err, payscore.ErrInvalidOrderState)
	_, err = acq.SyncServiceOrder(ctx, syncReq("ORDER-1"))
	refused("sync CREATED", err, payscore.ErrInvalidOrderState)
	_, _, err = acq.RegisterDeductInfo(ctx, registerReq("ORDER-1"))
	refused("register CREATED", err, payscore.ErrInvalidOrderState)
	_, _, err = acq.QueryDeduction(ctx, deductionReq)
	refused("deduction CREATED", err, payscore.ErrInvalidOrderState)
	_, err = acq.CancelServiceOrder(ctx, cancelReq("NO-SUCH-ORDER"))
	refused("cancel unknown", err, payscore.ErrOrderNotExist)

	// 2. The back end builds the confirm-order jump from create's package (the
	// acquiring-bank {package} form); the user confirms in Pay Score; the jump
	// hands query_id back to the mini program, which sends it to the back end.
	jump, err := payscore.NewConfirmOrderPackageOpenBusinessView(payscore.ConfirmOrderPackageData{Package: created.Package})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	confirmed, err := s.ConfirmOrder(jump.ExtraData.Package, openID)
	if err != nil {
		t.Fatal(err)
	}
	extraData, _ := json.Marshal(map[string]string{"query_id": confirmed.QueryID}) // referrerInfo.extraData
	ret, err := payscore.ParseConfirmOrderReturn(extraData)
	if err != nil {
		t.Fatal(err)
	}
	// 3. One step from the return to the query: its query_id is the query's key.
	byQuery, _, err := acq.QueryServiceOrder(ctx, &acquiringbank.QueryServiceOrderRequest{
		ServiceID: orderServiceID, SubMchID: orderSubMchID, ChannelID: orderChannelID, QueryID: ret.QueryID})
	if err != nil {
		t.Fatal(err)
	}
	if byQuery.State != acquiringbank.StateDoing || byQuery.StateDescription != acquiringbank.StateDescriptionUserConfirm || byQuery.SubOpenID != openID {
		t.Fatalf("after confirm: %+v", byQuery)
	}
	flush()
	clock.Advance(15 * time.Second) // the gateway's 503: the schedule's second attempt is 15s later
	flush()
	if c, _, _ := merchant.counts(); c != 1 {
		t.Fatalf("USER_CONFIRM processed %d times, want once", c)
	}
	_, err = acq.ModifyServiceOrder(ctx, modifyReq("ORDER-1", 400))
	refused("modify USER_CONFIRM", err, payscore.ErrInvalidOrderState)
	_, err = acq.SyncServiceOrder(ctx, syncReq("ORDER-1"))
	refused("sync USER_CONFIRM", err, payscore.ErrInvalidOrderState)

	// 4. Complete, lower the amount (raising it is refused), register the
	// deduction number; WeChat asks for a cashier pre-order; the user pays.
	clock.Advance(3 * time.Hour)
	if _, err := acq.CompleteServiceOrder(ctx, completeRequest("ORDER-1")); err != nil {
		t.Fatalf("complete: %v", err)
	}
	_, err = acq.CompleteServiceOrder(ctx, completeRequest("ORDER-1"))
	refused("complete twice", err, payscore.ErrInvalidOrderState)
	_, err = acq.ModifyServiceOrder(ctx, modifyReq("ORDER-1", 800))
	refused("modify upwards", err, payscore.ErrInvalidRequest)
	if _, err := acq.ModifyServiceOrder(ctx, modifyReq("ORDER-1", 400)); err != nil {
		t.Fatalf("modify: %v", err)
	}
	if _, _, err := acq.RegisterDeductInfo(ctx, registerReq("ORDER-1")); err != nil {
		t.Fatalf("register: %v", err)
	}
	if _, err := s.RequestPrepay(mchID, "ORDER-1"); err != nil {
		t.Fatal(err)
	}
	flush()
	if _, err := s.PayOrder(mchID, "ORDER-1"); err != nil {
		t.Fatal(err)
	}
	flush()
	done := query("ORDER-1")
	if done.State != acquiringbank.StateDone || done.TotalAmount != 400 || done.Collection == nil ||
		done.Collection.State != payscore.CollectionStateUserPaid || done.Collection.PaidAmount != 400 || len(done.Collection.Details) != 1 ||
		done.Collection.Details[0].PaidType != payscore.PaidTypeNewton {
		t.Fatalf("after payment: %+v %+v", done, done.Collection)
	}
	if _, p, pp := merchant.counts(); p != 1 || pp != 1 {
		t.Fatalf("USER_PAID %d, MCH_PREPAY %d; want once each", p, pp)
	}
	merchant.mu.Lock()
	paid, prepay := merchant.paid[0].Data, merchant.prepay[0].Data
	merchant.mu.Unlock()
	if paid.OutTradeNo != "DEDUCT-1" || paid.Collection == nil || paid.Collection.PaidAmount != 400 || paid.State != acquiringbank.StateDone {
		t.Errorf("USER_PAID %+v", paid)
	}
	if prepay.TotalAmount != 400 || prepay.PrepayReqBody.Body != "共享充电宝" {
		t.Errorf("MCH_PREPAY %+v", prepay)
	}
	if d, _, err := acq.QueryDeduction(ctx, deductionReq); err != nil || d.OutTradeNo != "DEDUCT-1" {
		t.Errorf("deduction: %+v %v", d, err)
	}
	_, err = acq.CancelServiceOrder(ctx, cancelReq("ORDER-1"))
	refused("cancel DONE", err, payscore.ErrOrderDone)
	_, err = acq.CompleteServiceOrder(ctx, completeRequest("ORDER-1"))
	refused("complete DONE", err, payscore.ErrOrderDone)
	_, err = acq.ModifyServiceOrder(ctx, modifyReq("ORDER-1", 1))
	refused("modify DONE", err, payscore.ErrOrderDone)
	_, err = acq.SyncServiceOrder(ctx, syncReq("ORDER-1"))
	refused("sync DONE", err, payscore.ErrOrderDone)

	// 5. A second order, cancelled; everything after is refused.
	if _, _, err := acq.CreateServiceOrder(ctx, createRequest("ORDER-2", notifyURL)); err != nil {
		t.Fatal(err)
	}
	if _, err := acq.CancelServiceOrder(ctx, cancelReq("ORDER-2")); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if q := query("ORDER-2"); q.State != acquiringbank.StateRevoked {
		t.Fatalf("after cancel: %s", q.State)
	}
	_, err = acq.CancelServiceOrder(ctx, cancelReq("ORDER-2"))
	refused("cancel REVOKED", err, payscore.ErrOrderCanceled)
	_, err = acq.CompleteServiceOrder(ctx, completeRequest("ORDER-2"))
	refused("complete REVOKED", err, payscore.ErrOrderCanceled)
	if _, err := s.ConfirmOrderNo(mchID, "ORDER-2", ""); !errors.Is(err, sim.ErrInvalidState) {
		t.Errorf("confirming a cancelled order: %v", err)
	}

	// 6. A third order paid off-channel: sync Order_Paid.
	if _, _, err := acq.CreateServiceOrder(ctx, createRequest("ORDER-3", notifyURL)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmOrderNo(mchID, "ORDER-3", openID); err != nil {
		t.Fatal(err)
	}
	if _, err := acq.CompleteServiceOrder(ctx, completeRequest("ORDER-3")); err != nil {
		t.Fatal(err)
	}
	if _, err := acq.SyncServiceOrder(ctx, syncReq("ORDER-3")); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if q := query("ORDER-3"); q.State != acquiringbank.StateDone || q.Collection == nil || len(q.Collection.Details) != 1 ||
		q.Collection.Details[0].PaidType != payscore.PaidTypeMch {
		t.Fatalf("after sync: %+v", q)
	}

	// 7. An order left CREATED for 30 days expires.
	if _, _, err := acq.CreateServiceOrder(ctx, createRequest("ORDER-4", notifyURL)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * 24 * time.Hour)
	if q := query("ORDER-4"); q.State != acquiringbank.StateExpired {
		t.Fatalf("after 30 days: %s", q.State)
	}
	_, err = acq.CancelServiceOrder(ctx, cancelReq("ORDER-4"))
	refused("cancel EXPIRED", err, payscore.ErrInvalidOrderState)
	flush()
	if c, _, _ := merchant.counts(); c != 2 {
		t.Errorf("USER_CONFIRM processed %d times, want 2 (ORDER-1, ORDER-3)", c)
	}
	var retried bool
	for _, d := range s.Deliveries() {
		if d.OutOrderNo == "ORDER-1" && d.EventType == sim.EventUserConfirm {
			retried = len(d.Attempts) == 2 && !d.Attempts[0].OK && d.Attempts[1].OK
		}
	}
	if !retried {
		t.Error("the first USER_CONFIRM delivery was not retried after the 503")
	}
}
