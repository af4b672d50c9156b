package sim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var orderT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const testMch = "1230000109"

func fen(v int64) *int64 { return &v }

func testCreate(no string) OrderCreate {
	return OrderCreate{
		ServiceID:           "500001",
		AppID:               "wxd678efh567hg6787",
		SubMchID:            "1900000109",
		ChannelID:           "1230000109",
		OutOrderNo:          no,
		ServiceIntroduction: "某某酒店",
		PostPayments:        []Payment{{Name: "就餐费用", Amount: fen(4000), Count: fen(1)}},
		PostDiscounts:       []Discount{{Name: "满20减1元", Description: "不与其他优惠叠加", Amount: fen(100)}},
		RiskFund:            RiskFund{Name: "ESTIMATE_ORDER_COST", Amount: 10000},
		TimeRange:           TimeRange{StartTime: "OnAccept"},
		NotifyURL:           "https://merchant.example/notify",
	}
}

func testRef(no string) OrderRef {
	return OrderRef{MchID: testMch, OutOrderNo: no, ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109"}
}

func testComplete() OrderComplete {
	return OrderComplete{
		PostPayments:  []Payment{{Name: "就餐费用", Amount: fen(4000)}},
		PostDiscounts: []Discount{{Name: "满20减1元", Description: "不与其他优惠叠加", Amount: fen(100)}},
		TotalAmount:   3900,
	}
}

// start is a state an order can be brought to, and how.
type start struct {
	name  string
	state string // state/state_description it must be in afterwards
	setup func(t *testing.T, b *OrderBook, no string)
}

// must fails the test when a step it wraps is refused: must(t)(b.Confirm(...)).
func must(t *testing.T) func(Order, *OrderError) Order {
	return func(o Order, err *OrderError) Order {
		t.Helper()
		if err != nil {
			t.Fatalf("step refused: %v", err)
		}
		return o
	}
}

func starts() []start {
	at := orderT0.Add(time.Minute)
	created := func(t *testing.T, b *OrderBook, no string) {
		if _, _, err := b.Create(testMch, testCreate(no), orderT0); err != nil {
			t.Fatal(err)
		}
	}
	confirmed := func(t *testing.T, b *OrderBook, no string) {
		created(t, b, no)
		must(t)(b.Confirm(testMch, no, "", at))
	}
	completed := func(t *testing.T, b *OrderBook, no string) {
		confirmed(t, b, no)
		must(t)(b.Complete(testRef(no), testComplete(), at))
	}
	return []start{
		{"created", "CREATED", created},
		{"confirmed", "DOING/USER_CONFIRM", confirmed},
		{"completed", "DOING/MCH_COMPLETE", completed},
		{"registered", "DOING/MCH_COMPLETE", func(t *testing.T, b *OrderBook, no string) {
			completed(t, b, no)
			must(t)(b.RegisterDeduct(testRef(no), "DEDUCT"+no, at))
		}},
		{"paid", "DONE", func(t *testing.T, b *OrderBook, no string) {
			completed(t, b, no)
			must(t)(b.Pay(testMch, no, "4200000288201909237003262215", at))
		}},
		{"paid_registered", "DONE", func(t *testing.T, b *OrderBook, no string) {
			completed(t, b, no)
			must(t)(b.RegisterDeduct(testRef(no), "DEDUCT"+no, at))
			must(t)(b.Pay(testMch, no, "4200000288201909237003262215", at))
		}},
		{"synced", "DONE", func(t *testing.T, b *OrderBook, no string) {
			completed(t, b, no)
			must(t)(b.Sync(testRef(no), "Order_Paid", "20260301101500", at))
		}},
		{"revoked", "REVOKED", func(t *testing.T, b *OrderBook, no string) {
			created(t, b, no)
			must(t)(b.Cancel(testRef(no), "用户投诉", at))
		}},
		{"revoked_while_paying", "REVOKED", func(t *testing.T, b *OrderBook, no string) {
			completed(t, b, no)
			must(t)(b.Cancel(testRef(no), "用户投诉", at))
		}},
		{"expired", "EXPIRED", func(t *testing.T, b *OrderBook, no string) {
			created(t, b, no)
			must(t)(b.Expire(testMch, no, at))
		}},
	}
}

// action is one call on an order.
type action struct {
	name string
	do   func(b *OrderBook, no string, now time.Time) (Order, *OrderError)
}

func actions() []action {
	return []action{
		{"confirm", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Confirm(testMch, no, "", now)
		}},
		{"complete", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Complete(testRef(no), testComplete(), now)
		}},
		{"modify", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Modify(testRef(no), OrderModify{TotalAmount: 3000, Reason: "用户投诉"}, now)
		}},
		{"pay", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Pay(testMch, no, "4200000288201909237003262216", now)
		}},
		{"sync", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Sync(testRef(no), "Order_Paid", "20260301120000", now)
		}},
		{"cancel", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Cancel(testRef(no), "不再需要", now)
		}},
		{"register", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.RegisterDeduct(testRef(no), "D2"+no, now)
		}},
		{"deduction", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Deduction(testRef(no))
		}},
		{"expire", func(b *OrderBook, no string, now time.Time) (Order, *OrderError) {
			return b.Expire(testMch, no, now)
		}},
	}
}

func stateOf(o Order) string {
	if o.StateDescription != "" {
		return o.State + "/" + o.StateDescription
	}
	return o.State
}

// TestOrderTransitions runs every action in every state: the result is
// either the documented next state or the documented error code.
func TestOrderTransitions(t *testing.T) {
	const (
		ios      = "INVALID_ORDER_STATE"
		canceled = "ORDER_CANCELED"
		done     = "ORDER_DONE"
	)
	// want[start][action]: a state, or an error code.
	want := map[string]map[string]string{
		"created": {"confirm": "DOING/USER_CONFIRM", "complete": ios, "modify": ios, "pay": ios, "sync": ios,
			"cancel": "REVOKED", "register": ios, "deduction": ios, "expire": "EXPIRED"},
		"confirmed": {"confirm": ios, "complete": "DOING/MCH_COMPLETE", "modify": ios, "pay": ios, "sync": ios,
			"cancel": "REVOKED", "register": ios, "deduction": ios, "expire": ios},
		"completed": {"confirm": ios, "complete": ios, "modify": "DOING/MCH_COMPLETE", "pay": "DONE", "sync": "DONE",
			"cancel": "REVOKED", "register": "DOING/MCH_COMPLETE", "deduction": ios, "expire": ios},
		"registered": {"confirm": ios, "complete": ios, "modify": "DOING/MCH_COMPLETE", "pay": "DONE", "sync": "DONE",
			"cancel": "REVOKED", "register": "DOING/MCH_COMPLETE", "deduction": "DOING/MCH_COMPLETE", "expire": ios},
		"paid": {"confirm": done, "complete": done, "modify": done, "pay": done, "sync": done,
			"cancel": done, "register": done, "deduction": ios, "expire": done},
		"paid_registered": {"confirm": done, "complete": done, "modify": done, "pay": done, "sync": done,
			"cancel": done, "register": done, "deduction": "DONE", "expire": done},
		"synced": {"confirm": done, "complete": done, "modify": done, "pay": done, "sync": done,
			"cancel": done, "register": done, "deduction": ios, "expire": done},
		"revoked": {"confirm": canceled, "complete": canceled, "modify": canceled, "pay": canceled, "sync": canceled,
			"cancel": canceled, "register": canceled, "deduction": ios, "expire": canceled},
		"revoked_while_paying": {"confirm": canceled, "complete": canceled, "modify": canceled, "pay": canceled,
			"sync": canceled, "cancel": canceled, "register": canceled, "deduction": ios, "expire": canceled},
		"expired": {"confirm": ios, "complete": ios, "modify": ios, "pay": ios, "sync": ios,
			"cancel": ios, "register": ios, "deduction": ios, "expire": ios},
	}
	for _, st := range starts() {
		for _, a := range actions() {
			t.Run(st.name+"/"+a.name, func(t *testing.T) {
				exp, ok := want[st.name][a.name]
				if !ok {
					t.Fatalf("no expectation for %s/%s", st.name, a.name)
				}
				b := NewOrderBook()
				st.setup(t, b, "NO1")
				before, _ := b.Get(testMch, "NO1")
				if got := stateOf(before); got != st.state {
					t.Fatalf("setup left %s, want %s", got, st.state)
				}
				o, err := a.do(b, "NO1", orderT0.Add(time.Hour))
				after, _ := b.Get(testMch, "NO1")
				if strings.Contains(exp, "_") && !strings.Contains(exp, "/") {
					if err == nil {
						t.Fatalf("%s in %s: accepted (now %s), want %s", a.name, st.state, stateOf(o), exp)
					}
					if err.Code != exp {
						t.Fatalf("%s in %s: %s, want %s", a.name, st.state, err, exp)
					}
					if stateOf(after) != stateOf(before) || !after.Updated.Equal(before.Updated) {
						t.Fatalf("refused %s changed the order: %s → %s", a.name, stateOf(before), stateOf(after))
					}
					return
				}
				if err != nil {
					t.Fatalf("%s in %s: %v, want %s", a.name, st.state, err, exp)
				}
				if stateOf(o) != exp || stateOf(after) != exp {
					t.Fatalf("%s in %s: returned %s, stored %s, want %s", a.name, st.state, stateOf(o), stateOf(after), exp)
				}
			})
		}
	}
}

func TestOrderUnknownAndMismatched(t *testing.T) {
	b := NewOrderBook()
	if _, _, err := b.Create(testMch, testCreate("NO1"), orderT0); err != nil {
		t.Fatal(err)
	}
	for _, a := range actions() {
		if _, err := a.do(b, "NOPE", orderT0); err == nil || err.Code != "ORDER_NOT_EXIST" {
			t.Errorf("%s of an unknown order: %v, want ORDER_NOT_EXIST", a.name, err)
		}
	}
	for name, ref := range map[string]OrderRef{
		"other merchant":  {MchID: "1900000001", OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109"},
		"other service":   {MchID: testMch, OutOrderNo: "NO1", ServiceID: "500002", SubMchID: "1900000109"},
		"other sub_mchid": {MchID: testMch, OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000110"},
		"other channel":   {MchID: testMch, OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1"},
	} {
		if _, err := b.Cancel(ref, "x", orderT0); err == nil || err.Code != "ORDER_NOT_EXIST" {
			t.Errorf("cancel with %s: %v, want ORDER_NOT_EXIST", name, err)
		}
		if _, err := b.Query(ref, ""); err == nil || err.Code != "ORDER_NOT_EXIST" {
			t.Errorf("query with %s: %v, want ORDER_NOT_EXIST", name, err)
		}
	}
	// channel_id is optional on complete, modify and sync: empty matches.
	ref := testRef("NO1")
	ref.ChannelID = ""
	if _, err := b.Query(ref, ""); err != nil {
		t.Errorf("query without channel_id: %v", err)
	}
	if _, err := b.Deduction(OrderRef{MchID: testMch, ServiceID: "500001", SubMchID: "1900000109"}); err == nil || err.Code != "ORDER_NOT_EXIST" {
		t.Errorf("deduction without out_order_no: %v, want ORDER_NOT_EXIST", err)
	}
}

func TestOrderCreateReentry(t *testing.T) {
	b := NewOrderBook()
	first, created, err := b.Create(testMch, testCreate("NO1"), orderT0)
	if err != nil || !created {
		t.Fatalf("create: created=%v err=%v", created, err)
	}
	if first.State != OrderCreated || first.MchID != testMch || first.OrderID == "" || first.Package == "" || first.QueryID == "" {
		t.Fatalf("create result %+v", first)
	}
	again, created, err := b.Create(testMch, testCreate("NO1"), orderT0.Add(time.Minute))
	if err != nil || created {
		t.Fatalf("same parameters again: created=%v err=%v", created, err)
	}
	if again.OrderID != first.OrderID || again.Package != first.Package || !again.Created.Equal(first.Created) {
		t.Fatalf("re-entry returned another order: %s vs %s", again.OrderID, first.OrderID)
	}
	// Re-entry returns the order as it is now, whatever its state.
	must(t)(b.Confirm(testMch, "NO1", "", orderT0.Add(2*time.Minute)))
	if o, _, err := b.Create(testMch, testCreate("NO1"), orderT0.Add(3*time.Minute)); err != nil || o.State != OrderDoing {
		t.Fatalf("re-entry after confirm: %v %v", stateOf(o), err)
	}

	changed := testCreate("NO1")
	changed.ServiceIntroduction = "另一个酒店"
	changed.RiskFund.Amount = 20000
	_, _, err = b.Create(testMch, changed, orderT0)
	if err == nil || err.Code != "INVALID_REQUEST" {
		t.Fatalf("different parameters: %v, want INVALID_REQUEST", err)
	}
	if !strings.Contains(err.Message, "risk_fund") || !strings.Contains(err.Message, "service_introduction") {
		t.Errorf("message does not name what differs: %s", err.Message)
	}
	// The same out_order_no under another merchant is another order.
	other, created, err := b.Create("1900000001", testCreate("NO1"), orderT0)
	if err != nil || !created || other.OrderID == first.OrderID {
		t.Fatalf("other merchant: created=%v err=%v id=%s", created, err, other.OrderID)
	}
}

func TestOrderLifecycleValues(t *testing.T) {
	b := NewOrderBook()
	o, _, _ := b.Create(testMch, testCreate("NO1"), orderT0)
	confirmAt := orderT0.Add(10 * time.Minute)

	// query_id and package both find the order.
	if q, err := b.Query(OrderRef{MchID: testMch, ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109"}, o.QueryID); err != nil || q.OutOrderNo != "NO1" {
		t.Fatalf("query by query_id: %v %v", q.OutOrderNo, err)
	}
	if _, err := b.Query(testRef(""), "nope"); err == nil || err.Code != "ORDER_NOT_EXIST" {
		t.Fatalf("unknown query_id: %v", err)
	}
	c := must(t)(b.ConfirmPackage(o.Package, "oUser1", confirmAt))
	if c.TimeRange.StartTime != "20260301181000" {
		t.Errorf("OnAccept start_time became %q, want the confirmation time in China time", c.TimeRange.StartTime)
	}
	if c.OpenID != "oUser1" || c.SubOpenID != "" {
		t.Errorf("confirming user: openid %q sub_openid %q, want openid oUser1", c.OpenID, c.SubOpenID)
	}
	if c.Collection != nil || c.TotalAmount != nil {
		t.Errorf("confirmed order has collection %+v / total %v", c.Collection, c.TotalAmount)
	}

	comp := must(t)(b.Complete(testRef("NO1"), testComplete(), confirmAt))
	if c := comp.Collection; c == nil || c.State != CollectionPaying || c.TotalAmount != 3900 || c.PayingAmount != 3900 || c.PaidAmount != 0 || c.Details != nil {
		t.Fatalf("collection after complete: %+v", comp.Collection)
	}
	if comp.TotalAmount == nil || *comp.TotalAmount != 3900 || comp.NeedCollection == nil || !*comp.NeedCollection {
		t.Fatalf("total/need_collection after complete: %v %v", comp.TotalAmount, comp.NeedCollection)
	}

	// Modify: only lower.
	for _, total := range []int64{3900, 5000} {
		if _, err := b.Modify(testRef("NO1"), OrderModify{TotalAmount: total, Reason: "x"}, confirmAt); err == nil || err.Code != "INVALID_REQUEST" {
			t.Errorf("modify to %d from 3900: %v, want INVALID_REQUEST", total, err)
		}
	}
	m := must(t)(b.Modify(testRef("NO1"), OrderModify{TotalAmount: 3500, Reason: "服务不满意"}, confirmAt))
	if m.Collection.TotalAmount != 3500 || m.Collection.PayingAmount != 3500 || *m.TotalAmount != 3500 || m.Reason != "服务不满意" {
		t.Fatalf("after modify: %+v total %v", m.Collection, *m.TotalAmount)
	}
	if len(m.PostPayments) != 1 {
		t.Errorf("modify without post_payments changed them: %+v", m.PostPayments)
	}

	paidAt := orderT0.Add(time.Hour)
	p := must(t)(b.Pay(testMch, "NO1", "4200000288201909237003262215", paidAt))
	want := Collection{State: CollectionPaid, TotalAmount: 3500, PaidAmount: 3500, Details: []CollectionDetail{{
		Seq: 1, Amount: 3500, PaidType: PaidTypeNewton, PaidTime: "20260301190000", TransactionID: "4200000288201909237003262215",
	}}}
	got, _ := json.Marshal(p.Collection)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Fatalf("collection after payment:\n got %s\nwant %s", got, exp)
	}
	if p.State != OrderDone || p.StateDescription != "" {
		t.Fatalf("after payment: %s", stateOf(p))
	}
}

func TestOrderSyncDetail(t *testing.T) {
	b := NewOrderBook()
	b.Create(testMch, testCreate("NO1"), orderT0)
	must(t)(b.Confirm(testMch, "NO1", "", orderT0))
	must(t)(b.Complete(testRef("NO1"), testComplete(), orderT0))
	if _, err := b.Sync(testRef("NO1"), "Other", "20260301101500", orderT0); err == nil || err.Code != "PARAM_ERROR" {
		t.Fatalf("sync type Other: %v", err)
	}
	o := must(t)(b.Sync(testRef("NO1"), "Order_Paid", "20260301101500", orderT0))
	d := o.Collection.Details
	if len(d) != 1 || d[0].PaidType != PaidTypeMch || d[0].PaidTime != "20260301101500" || d[0].Amount != 3900 || d[0].TransactionID != "" {
		t.Fatalf("sync detail: %+v", d)
	}
}

func TestOrderDeduction(t *testing.T) {
	b := NewOrderBook()
	b.Create(testMch, testCreate("NO1"), orderT0)
	must(t)(b.Confirm(testMch, "NO1", "", orderT0))
	must(t)(b.Complete(testRef("NO1"), testComplete(), orderT0))
	if _, err := b.Deduction(testRef("NO1")); err == nil || !strings.Contains(err.Message, "no deduction number") {
		t.Fatalf("deduction before register: %v", err)
	}
	must(t)(b.RegisterDeduct(testRef("NO1"), "", orderT0))
	if _, err := b.Deduction(testRef("NO1")); err == nil || err.Code != "INVALID_ORDER_STATE" {
		t.Fatalf("deduction after registering no out_trade_no: %v", err)
	}
	must(t)(b.RegisterDeduct(testRef("NO1"), "1217752501201407033233368018", orderT0))
	o := must(t)(b.Deduction(testRef("NO1")))
	if o.OutTradeNo != "1217752501201407033233368018" {
		t.Fatalf("out_trade_no %q", o.OutTradeNo)
	}
}

func TestOrderPackageTTL(t *testing.T) {
	b := NewOrderBook()
	o, _, _ := b.Create(testMch, testCreate("NO1"), orderT0)
	if _, err := b.ConfirmPackage("nope", "", orderT0); err == nil || err.Code != "ORDER_NOT_EXIST" {
		t.Fatalf("unknown package: %v", err)
	}
	if _, err := b.ConfirmPackage(o.Package, "", orderT0.Add(PackageTTL+time.Second)); err == nil || err.Code != "INVALID_REQUEST" {
		t.Fatalf("package after an hour: %v", err)
	}
	if _, err := b.ConfirmPackage(o.Package, "", orderT0.Add(PackageTTL)); err != nil {
		t.Fatalf("package at exactly an hour: %v", err)
	}
}

func TestOrderExpireDue(t *testing.T) {
	b := NewOrderBook()
	b.Create(testMch, testCreate("OLD"), orderT0)
	b.Create(testMch, testCreate("NEW"), orderT0.Add(24*time.Hour))
	b.Create(testMch, testCreate("DOING"), orderT0)
	must(t)(b.Confirm(testMch, "DOING", "", orderT0))
	if got := b.ExpireDue(orderT0.Add(OrderExpiry - time.Second)); len(got) != 0 {
		t.Fatalf("expired early: %v", got)
	}
	got := b.ExpireDue(orderT0.Add(OrderExpiry))
	if len(got) != 1 || got[0].OutOrderNo != "OLD" || got[0].State != OrderExpired {
		t.Fatalf("expired %+v, want only OLD", got)
	}
	if o, _ := b.Get(testMch, "DOING"); o.State != OrderDoing {
		t.Errorf("a DOING order expired: %s", o.State)
	}
	if o, _ := b.Get(testMch, "NEW"); o.State != OrderCreated {
		t.Errorf("a newer order expired: %s", o.State)
	}
	if l := b.List(); len(l) != 3 || l[2].OutOrderNo != "NEW" {
		t.Errorf("List order: %v", l)
	}
}

func TestOrderCopiesDoNotAlias(t *testing.T) {
	b := NewOrderBook()
	b.Create(testMch, testCreate("NO1"), orderT0)
	must(t)(b.Confirm(testMch, "NO1", "", orderT0))
	o := must(t)(b.Complete(testRef("NO1"), testComplete(), orderT0))
	o.Collection.State = "HACKED"
	o.PostPayments[0].Name = "HACKED"
	*o.TotalAmount = 1
	again, _ := b.Get(testMch, "NO1")
	if again.Collection.State != CollectionPaying || again.PostPayments[0].Name != "就餐费用" || *again.TotalAmount != 3900 {
		t.Fatalf("a returned copy changed the book: %+v", again)
	}
}
