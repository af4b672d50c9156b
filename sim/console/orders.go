package console

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/wxtime"
	"github.com/payscoregen/payscoregen/sim"
)

// Orders is what the orders page needs from the simulator's service-order
// state machine (创建订单 → CREATED → the user confirms → DOING/USER_CONFIRM →
// 完结订单 → DOING/MCH_COMPLETE, collection USER_PAYING → the user pays →
// DONE; cancel → REVOKED; 30 days CREATED → EXPIRED). The console shows
// ServiceOrders and acts as the user through the other methods, which must
// be the code the control API runs. New uses the simulator's own (simOrders)
// unless WithOrders gives another.
type Orders interface {
	// ServiceOrders returns every order, oldest first.
	ServiceOrders() []Order
	// ConfirmOrder plays the user who confirms the order in the Pay Score
	// mini program opened by the confirm-order jump: DOING/USER_CONFIRM,
	// PAYSCORE.USER_CONFIRM is notified. openid names the user when create
	// did not (optional). The order's QueryID is what the jump hands back.
	ConfirmOrder(ref, openid string) (Order, error)
	// PayOrder plays the user who pays a completed order: DONE,
	// PAYSCORE.USER_PAID is notified.
	PayOrder(ref string) (Order, error)
	// ExpireOrder lets a CREATED order expire now.
	ExpireOrder(ref string) (Order, error)
	// RequestPrepay plays WeChat asking for a cashier pre-order of an order
	// waiting for payment (PAYSCORE.MCH_PREPAY).
	RequestPrepay(ref string) error
}

// Order is a snapshot of one service order, as the page shows it.
type Order struct {
	// Ref names the order in the action methods: MCHID:OUT_ORDER_NO.
	Ref                 string
	MchID               string
	SubMchID            string
	ChannelID           string
	OutOrderNo          string
	OrderID             string
	ServiceID           string
	AppID               string
	SubAppID            string
	OpenID              string // or sub_openid
	ServiceIntroduction string
	// State is CREATED, DOING, DONE, REVOKED or EXPIRED; StateDescription
	// USER_CONFIRM or MCH_COMPLETE while DOING.
	State            string
	StateDescription string
	RiskFund         Amount
	PostPayments     []Amount
	PostDiscounts    []Amount
	TotalAmount      *int64 // fen, once completed
	TimeRange        string
	Collection       *Collection
	// Package is what the confirm-order jump carries (from 创建订单);
	// QueryID what the jump hands back once the user confirmed.
	Package   string
	QueryID   string
	NotifyURL string
	Reason    string // cancel or last modify reason
	// History is every step the simulator knows of, oldest first.
	History []OrderEvent
}

// Amount is a named amount in fen (risk_fund, post_payments, ...).
type Amount struct {
	Name   string
	Amount int64
	Count  int64
}

// Collection is the order's 收款信息.
type Collection struct {
	State        string // USER_PAYING or USER_PAID
	TotalAmount  int64
	PayingAmount int64
	PaidAmount   int64
	Details      []CollectionDetail
}

// CollectionDetail is one payment of a collection.
type CollectionDetail struct {
	Seq           int64
	Amount        int64
	PaidType      string // NEWTON (微信支付分) or MCH (商户渠道)
	PaidTime      time.Time
	TransactionID string
}

// OrderEvent is one step of an order's history.
type OrderEvent struct {
	At   time.Time
	What string
}

// Possible reports whether a user action applies to the order now, so the
// page offers only the buttons that make sense.
func (o Order) Possible(action string) bool {
	switch action {
	case "confirm", "expire":
		return o.State == sim.OrderCreated
	case "pay", "prepay":
		return o.State == sim.OrderDoing && o.StateDescription == sim.DescMchComplete &&
			o.Collection != nil && o.Collection.State == sim.CollectionPaying
	}
	return false
}

// simOrders is Orders on the simulator's own state machine.
type simOrders struct{ s *sim.Simulator }

func splitRef(ref string) (mchID, outOrderNo string, err error) {
	mchID, outOrderNo, ok := strings.Cut(ref, ":")
	if !ok || mchID == "" || outOrderNo == "" {
		return "", "", fmt.Errorf("%w: order %q: give MCHID:OUT_ORDER_NO", sim.ErrInvalidInput, ref)
	}
	return mchID, outOrderNo, nil
}

func (so simOrders) ServiceOrders() []Order {
	ds := so.s.Deliveries()
	var out []Order
	for _, o := range so.s.Orders() {
		out = append(out, orderOf(o, ds))
	}
	return out
}

func (so simOrders) ConfirmOrder(ref, openid string) (Order, error) {
	mch, no, err := splitRef(ref)
	if err != nil {
		return Order{}, err
	}
	o, err := so.s.ConfirmOrderNo(mch, no, openid)
	return orderOf(o, so.s.Deliveries()), err
}

func (so simOrders) PayOrder(ref string) (Order, error) {
	mch, no, err := splitRef(ref)
	if err != nil {
		return Order{}, err
	}
	o, err := so.s.PayOrder(mch, no)
	return orderOf(o, so.s.Deliveries()), err
}

func (so simOrders) ExpireOrder(ref string) (Order, error) {
	mch, no, err := splitRef(ref)
	if err != nil {
		return Order{}, err
	}
	o, err := so.s.ExpireOrder(mch, no)
	return orderOf(o, so.s.Deliveries()), err
}

func (so simOrders) RequestPrepay(ref string) error {
	mch, no, err := splitRef(ref)
	if err != nil {
		return err
	}
	_, err = so.s.RequestPrepay(mch, no)
	return err
}

// orderOf converts the simulator's order and derives its history from what
// the simulator recorded: creation, the notifications about it, the
// merchant's completion, the payments, the last change.
func orderOf(o sim.Order, ds []sim.Delivery) Order {
	out := Order{
		Ref: o.MchID + ":" + o.OutOrderNo, MchID: o.MchID, SubMchID: o.SubMchID, ChannelID: o.ChannelID,
		OutOrderNo: o.OutOrderNo, OrderID: o.OrderID, ServiceID: o.ServiceID, AppID: o.AppID, SubAppID: o.SubAppID,
		OpenID: o.OpenID, ServiceIntroduction: o.ServiceIntroduction, State: o.State, StateDescription: o.StateDescription,
		RiskFund:    Amount{Name: o.RiskFund.Name, Amount: o.RiskFund.Amount},
		TotalAmount: o.TotalAmount, Package: o.Package, QueryID: o.QueryID, NotifyURL: o.NotifyURL, Reason: o.Reason,
	}
	if out.OpenID == "" {
		out.OpenID = o.SubOpenID
	}
	for _, p := range o.PostPayments {
		out.PostPayments = append(out.PostPayments, Amount{Name: p.Name, Amount: deref(p.Amount), Count: deref(p.Count)})
	}
	for _, d := range o.PostDiscounts {
		out.PostDiscounts = append(out.PostDiscounts, Amount{Name: d.Name, Amount: deref(d.Amount), Count: deref(d.Count)})
	}
	if tr := o.TimeRange; tr.StartTime != "" || tr.EndTime != "" {
		out.TimeRange = strings.TrimSuffix(strings.TrimSpace(tr.StartTime+" – "+tr.EndTime), " –")
	}
	var hist []OrderEvent
	if !o.Created.IsZero() {
		hist = append(hist, OrderEvent{At: o.Created, What: "created by the merchant (创建订单): CREATED"})
	}
	if c := o.Collection; c != nil {
		out.Collection = &Collection{State: c.State, TotalAmount: c.TotalAmount, PayingAmount: c.PayingAmount, PaidAmount: c.PaidAmount}
		for _, d := range c.Details {
			paid := chinaTimeOf(d.PaidTime)
			out.Collection.Details = append(out.Collection.Details, CollectionDetail{
				Seq: d.Seq, Amount: d.Amount, PaidType: d.PaidType, PaidTime: paid, TransactionID: d.TransactionID,
			})
			if !paid.IsZero() {
				hist = append(hist, OrderEvent{At: paid, What: fmt.Sprintf("paid %s (paid_type %s)", fen(d.Amount), d.PaidType)})
			}
		}
	}
	if t := chinaTimeOf(o.CompleteTime); !t.IsZero() {
		hist = append(hist, OrderEvent{At: t, What: "completed by the merchant (完结订单): DOING/MCH_COMPLETE"})
	}
	for _, d := range ds {
		if d.MchID == o.MchID && d.OutOrderNo == o.OutOrderNo {
			hist = append(hist, OrderEvent{At: d.CreateTime, What: d.EventType + " notified (" + string(d.State) + ")"})
		}
	}
	sort.SliceStable(hist, func(i, j int) bool { return hist[i].At.Before(hist[j].At) })
	now := o.State
	if o.StateDescription != "" {
		now += "/" + o.StateDescription
	}
	if !o.Updated.IsZero() && (len(hist) == 0 || o.Updated.After(hist[len(hist)-1].At)) {
		hist = append(hist, OrderEvent{At: o.Updated, What: "last change: " + now})
	}
	out.History = hist
	return out
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// chinaTimeOf reads yyyyMMddHHmmss (China time); zero when empty or invalid.
func chinaTimeOf(s string) time.Time {
	t, err := time.ParseInLocation("20060102150405", s, wxtime.China)
	if err != nil {
		return time.Time{}
	}
	return t
}

var errNoOrders = errors.New("this console has no service-order state machine")
