package sim

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// The order state machine of the acquiring-bank service orders
// (spec/acquiringbank/*_service_order.yaml). It is pure: no HTTP, no
// notifications; callers pass the time and act on what each step returns.

// Order states (spec: create_service_order response state).
const (
	OrderCreated = "CREATED"
	OrderDoing   = "DOING"
	OrderDone    = "DONE"
	OrderRevoked = "REVOKED"
	OrderExpired = "EXPIRED"
)

// state_description values, set only while DOING.
const (
	DescUserConfirm = "USER_CONFIRM"
	DescMchComplete = "MCH_COMPLETE"
)

// collection.state values.
const (
	CollectionPaying = "USER_PAYING"
	CollectionPaid   = "USER_PAID"
)

// collection.details[].paid_type values.
const (
	PaidTypeNewton = "NEWTON" // 微信支付分
	PaidTypeMch    = "MCH"    // 商户渠道
)

// Lifetimes the docs state.
const (
	// OrderExpiry: "商户已创建服务订单"状态超过30天未变动, 则订单失效 (state enum, EXPIRED).
	OrderExpiry = 30 * 24 * time.Hour
	// PackageTTL: the create response's package 一小时内有效.
	PackageTTL = time.Hour
)

// Documented error codes the state machine answers (spec/common/errors.yaml).
const (
	codeOrderCanceled = "ORDER_CANCELED"
	codeOrderDone     = "ORDER_DONE"
)

// OrderError is a refused step: a documented error code and why.
type OrderError struct {
	Code    string
	Message string
}

func (e *OrderError) Error() string { return e.Code + ": " + e.Message }

// chinaTime formats t as yyyyMMddHHmmss in China time.
func chinaTime(t time.Time) string { return wxtime.ChinaTime{Time: t}.String() }

func orderErr(code, format string, args ...any) *OrderError {
	return &OrderError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Payment is a post_payments item.
type Payment struct {
	Name        string `json:"name,omitempty"`
	Amount      *int64 `json:"amount,omitempty"`
	Description string `json:"description,omitempty"`
	Count       *int64 `json:"count,omitempty"`
}

// Discount is a post_discounts item.
type Discount struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Amount      *int64 `json:"amount,omitempty"`
	Count       *int64 `json:"count,omitempty"`
}

// RiskFund is risk_fund.
type RiskFund struct {
	Name        string `json:"name,omitempty"`
	Amount      int64  `json:"amount"`
	Description string `json:"description,omitempty"`
}

// TimeRange is time_range.
type TimeRange struct {
	StartTime       string `json:"start_time,omitempty"`
	StartTimeRemark string `json:"start_time_remark,omitempty"`
	EndTime         string `json:"end_time,omitempty"`
	EndTimeRemark   string `json:"end_time_remark,omitempty"`
}

// Location is location.
type Location struct {
	StartLocation string `json:"start_location,omitempty"`
	EndLocation   string `json:"end_location,omitempty"`
}

// CollectionDetail is one collection.details item.
type CollectionDetail struct {
	Seq           int64  `json:"seq"`
	Amount        int64  `json:"amount"`
	PaidType      string `json:"paid_type"`
	PaidTime      string `json:"paid_time"`
	TransactionID string `json:"transaction_id,omitempty"`
}

// Collection is collection.
type Collection struct {
	State        string             `json:"state"`
	TotalAmount  int64              `json:"total_amount"`
	PayingAmount int64              `json:"paying_amount"`
	PaidAmount   int64              `json:"paid_amount"`
	Details      []CollectionDetail `json:"details,omitempty"`
}

// OrderCreate is the body of 从业机构创建微信支付分订单.
type OrderCreate struct {
	ServiceID           string     `json:"service_id"`
	AppID               string     `json:"appid"`
	SubMchID            string     `json:"sub_mchid"`
	SubAppID            string     `json:"sub_appid,omitempty"`
	ChannelID           string     `json:"channel_id"`
	OutOrderNo          string     `json:"out_order_no"`
	ServiceIntroduction string     `json:"service_introduction"`
	PostPayments        []Payment  `json:"post_payments,omitempty"`
	PostDiscounts       []Discount `json:"post_discounts,omitempty"`
	RiskFund            RiskFund   `json:"risk_fund"`
	TimeRange           TimeRange  `json:"time_range"`
	Location            *Location  `json:"location,omitempty"`
	OpenID              string     `json:"openid,omitempty"`
	SubOpenID           string     `json:"sub_openid,omitempty"`
	NeedUserConfirm     *bool      `json:"need_user_confirm,omitempty"`
	NotifyURL           string     `json:"notify_url"`
	Attach              string     `json:"attach,omitempty"`

	// Mode is the package of the create endpoint (merchant, partner; empty
	// for the acquiring bank): it picks the notification's callback.
	Mode string `json:"-"`
}

// OrderRef names an order as the calls after create do: the merchant, the
// path's out_order_no and the body's service_id, sub_mchid and (where the
// page has it) channel_id. An empty ChannelID matches any, and so does an
// empty ServiceID (optional on some merchant and partner calls).
type OrderRef struct {
	MchID      string
	OutOrderNo string
	ServiceID  string
	SubMchID   string
	ChannelID  string
}

// OrderComplete is the body of 完结订单.
type OrderComplete struct {
	PostPayments  []Payment
	PostDiscounts []Discount
	TotalAmount   int64
	TimeRange     *TimeRange
	Location      *Location
	ProfitSharing bool
	CompleteTime  string
	GoodsTag      string
}

// OrderModify is the body of 修改订单金额.
type OrderModify struct {
	PostPayments  []Payment // nil: unchanged
	PostDiscounts []Discount
	TotalAmount   int64
	Reason        string
}

// Order is a snapshot of one service order. Its JSON is the order as the
// query answers it, plus the simulator's own members (sim_*).
type Order struct {
	OutOrderNo          string      `json:"out_order_no"`
	ServiceID           string      `json:"service_id"`
	AppID               string      `json:"appid"`
	MchID               string      `json:"mchid"`
	SubMchID            string      `json:"sub_mchid"`
	SubAppID            string      `json:"sub_appid,omitempty"`
	ChannelID           string      `json:"channel_id"`
	ServiceIntroduction string      `json:"service_introduction"`
	State               string      `json:"state"`
	StateDescription    string      `json:"state_description,omitempty"`
	PostPayments        []Payment   `json:"post_payments,omitempty"`
	PostDiscounts       []Discount  `json:"post_discounts,omitempty"`
	RiskFund            RiskFund    `json:"risk_fund"`
	TimeRange           TimeRange   `json:"time_range"`
	TotalAmount         *int64      `json:"total_amount,omitempty"`
	NeedCollection      *bool       `json:"need_collection,omitempty"`
	Collection          *Collection `json:"collection,omitempty"`
	Location            *Location   `json:"location,omitempty"`
	Attach              string      `json:"attach,omitempty"`
	NotifyURL           string      `json:"notify_url"`
	OrderID             string      `json:"order_id"`
	OpenID              string      `json:"openid,omitempty"`
	SubOpenID           string      `json:"sub_openid,omitempty"`

	// Package is the create response's package, QueryID what the confirm
	// jump hands back to the merchant's mini program.
	Package    string    `json:"sim_package"`
	QueryID    string    `json:"sim_query_id"`
	Created    time.Time `json:"sim_created"`
	Updated    time.Time `json:"sim_updated"`
	Reason     string    `json:"sim_reason,omitempty"` // cancel or last modify reason
	OutTradeNo string    `json:"sim_out_trade_no,omitempty"`
	GoodsTag   string    `json:"sim_goods_tag,omitempty"`
	// ProfitSharing and CompleteTime as the complete call gave them.
	ProfitSharing bool   `json:"sim_profit_sharing,omitempty"`
	CompleteTime  string `json:"sim_complete_time,omitempty"`
	// Mode: merchant or partner for the orders of those modes, empty for the acquiring bank.
	Mode string `json:"sim_mode,omitempty"`
}

type orderKey struct{ mchID, outOrderNo string }

type orderRec struct {
	Order
	create []byte // canonical create body: re-entry must match it
}

// OrderBook holds the service orders of every merchant. Its methods are safe
// for concurrent use and return copies.
type OrderBook struct {
	mu      sync.Mutex
	orders  map[orderKey]*orderRec
	byQuery map[string]*orderRec
	byPkg   map[string]*orderRec
	seq     int
}

// NewOrderBook returns an empty order book.
func NewOrderBook() *OrderBook {
	return &OrderBook{
		orders:  map[orderKey]*orderRec{},
		byQuery: map[string]*orderRec{},
		byPkg:   map[string]*orderRec{},
	}
}

// Create creates an order, or returns the existing one when the same
// out_order_no comes again with the same parameters (created is false then).
// The same out_order_no with other parameters is INVALID_REQUEST.
func (b *OrderBook) Create(mchID string, req OrderCreate, now time.Time) (o Order, created bool, err *OrderError) {
	canon, merr := json.Marshal(req)
	if merr != nil {
		return Order{}, false, orderErr(codeParamError, "参数错误: %v", merr)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := orderKey{mchID, req.OutOrderNo}
	if r := b.orders[k]; r != nil {
		if string(r.create) != string(canon) {
			return Order{}, false, orderErr(codeInvalidRequest,
				"请求参数符合参数格式,但不符合业务规则: out_order_no %s was created with different parameters (%s)",
				req.OutOrderNo, differingCreate(r.create, canon))
		}
		return r.copy(), false, nil
	}
	b.seq++
	r := &orderRec{create: canon, Order: Order{
		OutOrderNo:          req.OutOrderNo,
		ServiceID:           req.ServiceID,
		AppID:               req.AppID,
		MchID:               mchID,
		SubMchID:            req.SubMchID,
		SubAppID:            req.SubAppID,
		ChannelID:           req.ChannelID,
		ServiceIntroduction: req.ServiceIntroduction,
		State:               OrderCreated,
		RiskFund:            req.RiskFund,
		TimeRange:           req.TimeRange,
		Attach:              req.Attach,
		NotifyURL:           req.NotifyURL,
		OrderID:             fmt.Sprintf("%s%010d", chinaTime(now), b.seq),
		OpenID:              req.OpenID,
		SubOpenID:           req.SubOpenID,
		Package:             "sim_pkg_" + notifytest.RandomString(64),
		QueryID:             "sim_qid_" + notifytest.RandomString(48),
		Created:             now,
		Updated:             now,
		Mode:                req.Mode,
	}}
	r.PostPayments = append([]Payment(nil), req.PostPayments...)
	r.PostDiscounts = append([]Discount(nil), req.PostDiscounts...)
	if req.Location != nil {
		l := *req.Location
		r.Location = &l
	}
	b.orders[k] = r
	b.byQuery[r.QueryID] = r
	b.byPkg[r.Package] = r
	return r.copy(), true, nil
}

// differingCreate names the top-level members that differ between two create
// bodies, so the INVALID_REQUEST message says what changed.
func differingCreate(a, b []byte) string {
	var ma, mb map[string]json.RawMessage
	_ = json.Unmarshal(a, &ma)
	_ = json.Unmarshal(b, &mb)
	var diff []string
	for k, v := range ma {
		if string(mb[k]) != string(v) {
			diff = append(diff, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return fmt.Sprint(diff)
}

// find looks an order up by its reference. Call with b.mu held.
func (b *OrderBook) find(ref OrderRef) (*orderRec, *OrderError) {
	r := b.orders[orderKey{ref.MchID, ref.OutOrderNo}]
	if r == nil || (ref.ServiceID != "" && r.ServiceID != ref.ServiceID) || r.SubMchID != ref.SubMchID ||
		(ref.ChannelID != "" && r.ChannelID != ref.ChannelID) {
		return nil, orderErr(codeOrderNotExist,
			"订单不存在: no order %q for this mchid, service_id, sub_mchid and channel_id", ref.OutOrderNo)
	}
	return r, nil
}

// wrongState is the documented answer to a call the order's state refuses.
func wrongState(r *orderRec, call string) *OrderError {
	switch r.State {
	case OrderRevoked:
		return orderErr(codeOrderCanceled, "单据已取消: order %s is REVOKED", r.OutOrderNo)
	case OrderDone:
		return orderErr(codeOrderDone, "订单已完成: order %s is DONE", r.OutOrderNo)
	}
	st := r.State
	if r.StateDescription != "" {
		st += "/" + r.StateDescription
	}
	return orderErr(codeInvalidOrderState, "单据状态错误: %s is not possible while order %s is %s", call, r.OutOrderNo, st)
}

// Get returns an order by merchant and out_order_no.
func (b *OrderBook) Get(mchID, outOrderNo string) (Order, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.orders[orderKey{mchID, outOrderNo}]
	if r == nil {
		return Order{}, false
	}
	return r.copy(), true
}

// Query answers 查询订单: by out_order_no, or by query_id (exactly one is
// set). The order must belong to the merchant, service_id, sub_mchid and
// channel_id given.
func (b *OrderBook) Query(ref OrderRef, queryID string) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if queryID != "" {
		r := b.byQuery[queryID]
		if r == nil {
			return Order{}, orderErr(codeOrderNotExist, "订单不存在: no order with this query_id")
		}
		ref.OutOrderNo = r.OutOrderNo
	}
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	return r.copy(), nil
}

// ByPackage finds the order a confirm-order jump's package names.
func (b *OrderBook) ByPackage(pkg string) (Order, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.byPkg[pkg]
	if r == nil {
		return Order{}, false
	}
	return r.copy(), true
}

// Confirm is the user confirming the order in the Pay Score mini program:
// CREATED → DOING/USER_CONFIRM. A start_time of OnAccept becomes the
// confirmation time (填写OnAccept时, 服务开始时间为用户确认订单成功的时间).
// When create named no user, openid (if given) becomes the order's user:
// sub_openid when the order has a sub_appid, openid otherwise.
func (b *OrderBook) Confirm(mchID, outOrderNo, openid string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, oerr := b.lookup(mchID, outOrderNo)
	if oerr != nil {
		return Order{}, oerr
	}
	if r.State != OrderCreated {
		return Order{}, wrongState(r, "confirming")
	}
	r.State, r.StateDescription = OrderDoing, DescUserConfirm
	if r.OpenID == "" && r.SubOpenID == "" && openid != "" {
		if r.SubAppID != "" {
			r.SubOpenID = openid
		} else {
			r.OpenID = openid
		}
	}
	if r.TimeRange.StartTime == "OnAccept" {
		r.TimeRange.StartTime = chinaTime(now)
	}
	r.Updated = now
	return r.copy(), nil
}

// ConfirmPackage confirms the order a confirm-order jump's package names;
// the package is valid for PackageTTL after create.
func (b *OrderBook) ConfirmPackage(pkg, openid string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	r := b.byPkg[pkg]
	b.mu.Unlock()
	if r == nil {
		return Order{}, orderErr(codeOrderNotExist, "订单不存在: no order with this package")
	}
	if now.Sub(r.Created) > PackageTTL {
		return Order{}, orderErr(codeInvalidRequest, "package expired: it is valid for %s after create (该数据一小时内有效)", PackageTTL)
	}
	return b.Confirm(r.MchID, r.OutOrderNo, openid, now)
}

// Complete is 完结订单: DOING/USER_CONFIRM → DOING/MCH_COMPLETE, collection
// USER_PAYING for total_amount.
func (b *OrderBook) Complete(ref OrderRef, req OrderComplete, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	if r.State != OrderDoing || r.StateDescription != DescUserConfirm {
		return Order{}, wrongState(r, "complete")
	}
	r.StateDescription = DescMchComplete
	r.PostPayments, r.PostDiscounts = req.PostPayments, req.PostDiscounts
	total := req.TotalAmount
	r.TotalAmount = &total
	yes := true
	r.NeedCollection = &yes
	r.Collection = &Collection{State: CollectionPaying, TotalAmount: total, PayingAmount: total}
	if req.TimeRange != nil {
		r.TimeRange = *req.TimeRange
	}
	if req.Location != nil {
		r.Location = req.Location
	}
	r.ProfitSharing, r.CompleteTime, r.GoodsTag = req.ProfitSharing, req.CompleteTime, req.GoodsTag
	r.Updated = now
	return r.copy(), nil
}

// collecting reports whether the order waits for the user's payment.
func (r *orderRec) collecting() bool {
	return r.State == OrderDoing && r.StateDescription == DescMchComplete &&
		r.Collection != nil && r.Collection.State == CollectionPaying
}

// Modify is 修改订单金额: only while collecting (DOING/MCH_COMPLETE,
// USER_PAYING), and only to a lower total.
func (b *OrderBook) Modify(ref OrderRef, req OrderModify, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	if !r.collecting() {
		return Order{}, wrongState(r, "modify")
	}
	if req.TotalAmount >= r.Collection.TotalAmount {
		return Order{}, orderErr(codeInvalidRequest,
			"请求参数符合参数格式,但不符合业务规则: the amount can only be lowered (total_amount %d, current %d)",
			req.TotalAmount, r.Collection.TotalAmount)
	}
	if req.PostPayments != nil {
		r.PostPayments = req.PostPayments
	}
	if req.PostDiscounts != nil {
		r.PostDiscounts = req.PostDiscounts
	}
	total := req.TotalAmount
	r.TotalAmount = &total
	r.Collection.TotalAmount = total
	r.Collection.PayingAmount = total - r.Collection.PaidAmount
	r.Reason = req.Reason
	r.Updated = now
	return r.copy(), nil
}

// Pay is the user's payment being collected (微信支付分 channel): the order
// becomes DONE with collection USER_PAID and one more detail.
func (b *OrderBook) Pay(mchID, outOrderNo, transactionID string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, oerr := b.lookup(mchID, outOrderNo)
	if oerr != nil {
		return Order{}, oerr
	}
	if !r.collecting() {
		return Order{}, wrongState(r, "payment")
	}
	r.collect(PaidTypeNewton, chinaTime(now), transactionID, now)
	return r.copy(), nil
}

func (r *orderRec) collect(paidType, paidTime, transactionID string, now time.Time) {
	c := r.Collection
	c.Details = append(c.Details, CollectionDetail{
		Seq: int64(len(c.Details) + 1), Amount: c.PayingAmount, PaidType: paidType,
		PaidTime: paidTime, TransactionID: transactionID,
	})
	c.PaidAmount += c.PayingAmount
	c.PayingAmount = 0
	c.State = CollectionPaid
	r.State, r.StateDescription = OrderDone, ""
	r.Updated = now
}

// Sync is 同步订单信息 with type Order_Paid: the order was paid through the
// merchant's own channel, so it becomes DONE with a detail of paid_type MCH.
func (b *OrderBook) Sync(ref OrderRef, typ, paidTime string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	if typ != "Order_Paid" {
		return Order{}, orderErr(codeParamError, "参数错误: type must be Order_Paid")
	}
	if !r.collecting() {
		return Order{}, wrongState(r, "sync Order_Paid")
	}
	r.collect(PaidTypeMch, paidTime, "", now)
	return r.copy(), nil
}

// Cancel is 取消订单: CREATED or DOING (completed and still collecting
// included) → REVOKED.
func (b *OrderBook) Cancel(ref OrderRef, reason string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	if r.State != OrderCreated && r.State != OrderDoing {
		return Order{}, wrongState(r, "cancel")
	}
	r.State, r.StateDescription = OrderRevoked, ""
	r.Reason = reason
	r.Updated = now
	return r.copy(), nil
}

// RegisterDeduct is 登记扣款信息: after the merchant completed the order
// (DOING/MCH_COMPLETE). It returns the description the page answers.
func (b *OrderBook) RegisterDeduct(ref OrderRef, outTradeNo string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	if r.State != OrderDoing || r.StateDescription != DescMchComplete {
		return Order{}, wrongState(r, "registerdeductinfo")
	}
	r.OutTradeNo = outTradeNo
	r.Updated = now
	return r.copy(), nil
}

// Deduction is 查询扣款信息: for a DOING or DONE order whose deduction number
// was registered.
func (b *OrderBook) Deduction(ref OrderRef) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ref.OutOrderNo == "" {
		return Order{}, orderErr(codeOrderNotExist, "订单不存在: out_order_no names no order")
	}
	r, err := b.find(ref)
	if err != nil {
		return Order{}, err
	}
	if r.State != OrderDoing && r.State != OrderDone {
		return Order{}, orderErr(codeInvalidOrderState, "单据状态错误: order %s is %s, not DOING or DONE", r.OutOrderNo, r.State)
	}
	if r.OutTradeNo == "" {
		return Order{}, orderErr(codeInvalidOrderState, "单据状态错误: no deduction number was registered for order %s", r.OutOrderNo)
	}
	return r.copy(), nil
}

// Expire ends a CREATED order (the simulator's control API; WeChat does so
// after OrderExpiry without change).
func (b *OrderBook) Expire(mchID, outOrderNo string, now time.Time) (Order, *OrderError) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, oerr := b.lookup(mchID, outOrderNo)
	if oerr != nil {
		return Order{}, oerr
	}
	if r.State != OrderCreated {
		return Order{}, wrongState(r, "expiry")
	}
	r.State = OrderExpired
	r.Updated = now
	return r.copy(), nil
}

// ExpireDue expires every CREATED order unchanged for OrderExpiry, and
// returns them.
func (b *OrderBook) ExpireDue(now time.Time) []Order {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Order
	for _, r := range b.orders {
		if r.State == OrderCreated && now.Sub(r.Updated) >= OrderExpiry {
			r.State = OrderExpired
			r.Updated = now
			out = append(out, r.copy())
		}
	}
	sortOrders(out)
	return out
}

// List returns every order, oldest first.
func (b *OrderBook) List() []Order {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Order, 0, len(b.orders))
	for _, r := range b.orders {
		out = append(out, r.copy())
	}
	sortOrders(out)
	return out
}

func sortOrders(os []Order) {
	sort.Slice(os, func(i, j int) bool {
		if !os[i].Created.Equal(os[j].Created) {
			return os[i].Created.Before(os[j].Created)
		}
		return os[i].OrderID < os[j].OrderID
	})
}

// copy returns a deep copy, so callers never share state with the book.
func (r *orderRec) copy() Order {
	o := r.Order
	o.PostPayments = append([]Payment(nil), o.PostPayments...)
	o.PostDiscounts = append([]Discount(nil), o.PostDiscounts...)
	if len(o.PostPayments) == 0 {
		o.PostPayments = nil
	}
	if len(o.PostDiscounts) == 0 {
		o.PostDiscounts = nil
	}
	if o.Location != nil {
		l := *o.Location
		o.Location = &l
	}
	if o.TotalAmount != nil {
		t := *o.TotalAmount
		o.TotalAmount = &t
	}
	if o.NeedCollection != nil {
		n := *o.NeedCollection
		o.NeedCollection = &n
	}
	if o.Collection != nil {
		c := *o.Collection
		c.Details = append([]CollectionDetail(nil), c.Details...)
		if len(c.Details) == 0 {
			c.Details = nil
		}
		o.Collection = &c
	}
	return o
}

// lookup finds an order by merchant and out_order_no, or answers
// ORDER_NOT_EXIST. The caller holds b.mu.
func (b *OrderBook) lookup(mchID, outOrderNo string) (*orderRec, *OrderError) {
	r := b.orders[orderKey{mchID, outOrderNo}]
	if r == nil {
		return nil, orderErr(codeOrderNotExist, "订单不存在: no order %q", outOrderNo)
	}
	return r, nil
}
