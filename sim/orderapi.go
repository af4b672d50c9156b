package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// The acquiring-bank service orders over HTTP: the spec's endpoints call the
// OrderBook, and the steps that WeChat notifies (user confirms, user pays,
// cashier pre-order) post signed, encrypted notifications to the order's
// notify_url on the order callback's schedule.

// Event types of the order callback (spec: acquiringbank/order_notify.yaml).
const (
	EventUserConfirm = "PAYSCORE.USER_CONFIRM"
	EventUserPaid    = "PAYSCORE.USER_PAID"
	EventMchPrepay   = "PAYSCORE.MCH_PREPAY"
)

func init() {
	summaries[EventUserConfirm] = "该笔服务订单已确认"
	summaries[EventUserPaid] = "该笔服务订单已支付"
	summaries[EventMchPrepay] = "商户预下单"
}

// findOrderCallback returns the order callback and the MCH_PREPAY plaintext rules.
func findOrderCallback(prog *ir.Program) (*callbackSpec, []*fieldRule, error) {
	cs, err := findCallback(prog, EventUserConfirm)
	if err != nil {
		return nil, nil, err
	}
	for _, pkg := range prog.Packages {
		for _, icb := range pkg.Callbacks {
			if icb.Spec != cs.cb || icb.JSON == nil {
				continue
			}
			for _, e := range icb.JSON.Events {
				if e.Spec.Type == EventMchPrepay && e.Decoder != nil && e.Decoder.Data != nil {
					return cs, newFieldRules(e.Decoder.Data.Fields), nil
				}
			}
		}
	}
	return nil, nil, fmt.Errorf("sim: callback %s has no %s plaintext", cs.cb.ID, EventMchPrepay)
}

// orderView is an order as the query answers it and the notifications carry it.
type orderView struct {
	OutOrderNo          string      `json:"out_order_no"`
	ServiceID           string      `json:"service_id"`
	AppID               string      `json:"appid"`
	MchID               string      `json:"mchid"`
	SubMchID            string      `json:"sub_mchid"`
	SubAppID            string      `json:"sub_appid,omitempty"`
	ChannelID           string      `json:"channel_id,omitempty"`
	OutTradeNo          string      `json:"out_trade_no,omitempty"` // notifications only
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
	NotifyURL           string      `json:"notify_url,omitempty"`
	OrderID             string      `json:"order_id"`
	OpenID              string      `json:"openid,omitempty"`
	SubOpenID           string      `json:"sub_openid,omitempty"`
	Package             string      `json:"package,omitempty"` // create only
}

func viewOf(o Order) orderView {
	return orderView{
		OutOrderNo: o.OutOrderNo, ServiceID: o.ServiceID, AppID: o.AppID, MchID: o.MchID, SubMchID: o.SubMchID,
		SubAppID: o.SubAppID, ChannelID: o.ChannelID, ServiceIntroduction: o.ServiceIntroduction, State: o.State,
		StateDescription: o.StateDescription, PostPayments: o.PostPayments, PostDiscounts: o.PostDiscounts,
		RiskFund: o.RiskFund, TimeRange: o.TimeRange, TotalAmount: o.TotalAmount, NeedCollection: o.NeedCollection,
		Collection: o.Collection, Location: o.Location, Attach: o.Attach, NotifyURL: o.NotifyURL, OrderID: o.OrderID,
		OpenID: o.OpenID, SubOpenID: o.SubOpenID,
	}
}

// encodeChecked encodes v and checks it against rules: the simulator never
// sends what the spec says WeChat Pay cannot send.
func encodeChecked(what string, rules []*fieldRule, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	var c validate.Collector
	checkJSON(&c, "", rules, obj)
	if err := c.Err(what); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Simulator) answerJSON(op *operation, v any) (int, []byte, *apiError) {
	b, err := encodeChecked(op.ep.ID+" response", op.response, v)
	if err != nil {
		return 0, nil, s.docError(op, codeSystemError, "系统错误: the simulator built an invalid response: "+err.Error())
	}
	return http.StatusOK, b, nil
}

// decodeBody decodes the validated JSON body into v.
func (s *Simulator) decodeBody(c *call, v any) *apiError {
	if err := json.Unmarshal(c.raw, v); err != nil {
		return s.docError(c.op, codeParamError, "参数错误: "+err.Error())
	}
	return nil
}

func (s *Simulator) orderError(op *operation, e *OrderError) *apiError {
	return s.docError(op, e.Code, e.Message)
}

func (c *call) orderRef() OrderRef {
	return OrderRef{
		MchID: c.mchID, OutOrderNo: c.value("out_order_no"), ServiceID: c.value("service_id"),
		SubMchID: c.value("sub_mchid"), ChannelID: c.value("channel_id"),
	}
}

func (s *Simulator) createServiceOrder(c *call) (int, []byte, *apiError) {
	var req OrderCreate
	if e := s.decodeBody(c, &req); e != nil {
		return 0, nil, e
	}
	o, _, oerr := s.orders.Create(c.mchID, req, s.cfg.clock.Now())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	v := viewOf(o)
	v.OpenID, v.SubOpenID = "", "" // not members of the create response
	v.Package = o.Package
	return s.answerJSON(c.op, v)
}

func (s *Simulator) queryServiceOrder(c *call) (int, []byte, *apiError) {
	o, oerr := s.orders.Query(c.orderRef(), c.value("query_id"))
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	return s.answerJSON(c.op, viewOf(o))
}

func (s *Simulator) cancelServiceOrder(c *call) (int, []byte, *apiError) {
	if _, oerr := s.orders.Cancel(c.orderRef(), c.value("reason"), s.cfg.clock.Now()); oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	return http.StatusNoContent, nil, nil
}

func (s *Simulator) completeServiceOrder(c *call) (int, []byte, *apiError) {
	var req struct {
		PostPayments  []Payment  `json:"post_payments"`
		PostDiscounts []Discount `json:"post_discounts"`
		TotalAmount   int64      `json:"total_amount"`
		TimeRange     *TimeRange `json:"time_range"`
		Location      *Location  `json:"location"`
		ProfitSharing bool       `json:"profit_sharing"`
		CompleteTime  string     `json:"complete_time"`
		GoodsTag      string     `json:"goods_tag"`
	}
	if e := s.decodeBody(c, &req); e != nil {
		return 0, nil, e
	}
	_, oerr := s.orders.Complete(c.orderRef(), OrderComplete{
		PostPayments: req.PostPayments, PostDiscounts: req.PostDiscounts, TotalAmount: req.TotalAmount,
		TimeRange: req.TimeRange, Location: req.Location, ProfitSharing: req.ProfitSharing,
		CompleteTime: req.CompleteTime, GoodsTag: req.GoodsTag,
	}, s.cfg.clock.Now())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	return http.StatusNoContent, nil, nil
}

func (s *Simulator) modifyServiceOrder(c *call) (int, []byte, *apiError) {
	var req struct {
		PostPayments  []Payment  `json:"post_payments"`
		PostDiscounts []Discount `json:"post_discounts"`
		TotalAmount   int64      `json:"total_amount"`
		Reason        string     `json:"reason"`
	}
	if e := s.decodeBody(c, &req); e != nil {
		return 0, nil, e
	}
	_, oerr := s.orders.Modify(c.orderRef(), OrderModify{
		PostPayments: req.PostPayments, PostDiscounts: req.PostDiscounts, TotalAmount: req.TotalAmount, Reason: req.Reason,
	}, s.cfg.clock.Now())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	return http.StatusNoContent, nil, nil
}

func (s *Simulator) syncServiceOrder(c *call) (int, []byte, *apiError) {
	var req struct {
		Type   string `json:"type"`
		Detail struct {
			PaidTime string `json:"paid_time"`
		} `json:"detail"`
	}
	if e := s.decodeBody(c, &req); e != nil {
		return 0, nil, e
	}
	if _, oerr := s.orders.Sync(c.orderRef(), req.Type, req.Detail.PaidTime, s.cfg.clock.Now()); oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	return http.StatusNoContent, nil, nil
}

func (s *Simulator) registerDeductInfo(c *call) (int, []byte, *apiError) {
	o, oerr := s.orders.RegisterDeduct(c.orderRef(), c.value("out_trade_no"), s.cfg.clock.Now())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	return s.answerJSON(c.op, map[string]string{"description": o.ServiceIntroduction})
}

func (s *Simulator) queryDeduction(c *call) (int, []byte, *apiError) {
	o, oerr := s.orders.Deduction(c.orderRef())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	if o.AppID != c.value("appid") {
		return 0, nil, s.docError(c.op, codeOrderNotExist, "订单不存在: the order was created with another appid")
	}
	return s.answerJSON(c.op, map[string]string{"description": o.ServiceIntroduction, "out_trade_no": o.OutTradeNo})
}

// changedOrders wakes watchers (the console) after an order changed.
func (s *Simulator) changedOrders() {
	s.mu.Lock()
	s.notifyChangedLocked()
	s.mu.Unlock()
}

// expireOrdersLocked expires the orders the clock has passed (30 days
// CREATED). Call with s.mu held.
func (s *Simulator) expireOrdersLocked(now time.Time) {
	if len(s.orders.ExpireDue(now)) > 0 {
		s.notifyChangedLocked()
	}
}

// Orders returns every service order, oldest first.
func (s *Simulator) Orders() []Order { return s.orders.List() }

// Order returns one service order.
func (s *Simulator) Order(mchID, outOrderNo string) (Order, bool) {
	return s.orders.Get(mchID, outOrderNo)
}

// controlError maps a refused step to the control API's errors.
func controlError(e *OrderError) error {
	if e.Code == codeOrderNotExist {
		return fmt.Errorf("%w: %s", ErrNotFound, e.Message)
	}
	return fmt.Errorf("%w: %s: %s", ErrInvalidState, e.Code, e.Message)
}

// ConfirmOrder plays the user confirming the order in the Pay Score mini
// program opened by the confirm-order jump with package pkg: the order
// becomes DOING/USER_CONFIRM and a USER_CONFIRM notification goes to its
// notify_url. It returns the order; its QueryID is what the jump hands back
// to the merchant's mini program (referrerInfo.extraData.query_id). openid
// names the user when create did not (optional).
func (s *Simulator) ConfirmOrder(pkg, openid string) (Order, error) {
	o, oerr := s.orders.ConfirmPackage(pkg, openid, s.cfg.clock.Now())
	if oerr != nil {
		return Order{}, controlError(oerr)
	}
	return o, s.notifyOrder(o, EventUserConfirm)
}

// ConfirmOrderNo is ConfirmOrder for an order named by merchant and
// out_order_no instead of its package.
func (s *Simulator) ConfirmOrderNo(mchID, outOrderNo, openid string) (Order, error) {
	o, oerr := s.orders.Confirm(mchID, outOrderNo, openid, s.cfg.clock.Now())
	if oerr != nil {
		return Order{}, controlError(oerr)
	}
	return o, s.notifyOrder(o, EventUserConfirm)
}

// PayOrder plays the user's payment of a completed order: DONE, collection
// USER_PAID with one more detail (paid_type NEWTON), and a USER_PAID
// notification.
func (s *Simulator) PayOrder(mchID, outOrderNo string) (Order, error) {
	txn := "4200" + time.Now().Format("20060102") + fmt.Sprintf("%016d", s.nextTxn())
	o, oerr := s.orders.Pay(mchID, outOrderNo, txn, s.cfg.clock.Now())
	if oerr != nil {
		return Order{}, controlError(oerr)
	}
	return o, s.notifyOrder(o, EventUserPaid)
}

// ExpireOrder ends a CREATED order now, as WeChat does after 30 days.
func (s *Simulator) ExpireOrder(mchID, outOrderNo string) (Order, error) {
	o, oerr := s.orders.Expire(mchID, outOrderNo, s.cfg.clock.Now())
	if oerr != nil {
		return Order{}, controlError(oerr)
	}
	s.changedOrders()
	return o, nil
}

// RequestPrepay plays WeChat asking the acquiring bank for a cashier
// pre-order of an order waiting for payment: a PAYSCORE.MCH_PREPAY
// notification. It returns the delivery.
func (s *Simulator) RequestPrepay(mchID, outOrderNo string) (Delivery, error) {
	o, ok := s.orders.Get(mchID, outOrderNo)
	if !ok {
		return Delivery{}, fmt.Errorf("%w: order %q", ErrNotFound, outOrderNo)
	}
	if o.State != OrderDoing || o.Collection == nil || o.Collection.State != CollectionPaying {
		return Delivery{}, fmt.Errorf("%w: order %s is not waiting for payment", ErrInvalidState, outOrderNo)
	}
	now := s.cfg.clock.Now()
	v := viewOf(o)
	plain := map[string]any{
		"service_id": v.ServiceID, "appid": v.AppID, "mchid": v.MchID, "sub_mchid": v.SubMchID,
		"out_order_no": v.OutOrderNo, "total_amount": o.Collection.PayingAmount,
		"prepay_req_body": map[string]any{
			"device_info": "WEB",
			"nonce_str":   notifytest.RandomString(32),
			"body":        o.ServiceIntroduction,
			"fee_type":    "CNY",
			"time_start":  chinaTime(now),
			"time_expire": chinaTime(now.Add(2 * time.Hour)),
			// The payment-result URL WeChat hands over; the simulator's is a placeholder.
			"notify_url":   "https://payscore-sim.invalid/prepay/notify",
			"trade_type":   "JSAPI",
			"limit_pay":    "no_credit",
			"need_receipt": false,
		},
	}
	for k, val := range map[string]string{"sub_appid": v.SubAppID, "channel_id": v.ChannelID, "openid": v.OpenID, "sub_openid": v.SubOpenID} {
		if val != "" {
			plain[k] = val
		}
	}
	if o.Attach != "" {
		plain["prepay_req_body"].(map[string]any)["attach"] = o.Attach
	}
	b, err := encodeChecked("MCH_PREPAY plaintext", s.prepay, plain)
	if err != nil {
		return Delivery{}, fmt.Errorf("sim: the notification would break the spec: %w", err)
	}
	s.mu.Lock()
	n, err := s.queueLocked(s.orderCB, EventMchPrepay, o, b, now)
	var d Delivery
	if n != nil {
		d = n.snapshot()
	}
	s.mu.Unlock()
	if err != nil {
		return Delivery{}, err
	}
	s.goRunDue()
	return d, nil
}

var errNoNotifyURL = errors.New("sim: the order has no notify_url")

// notifyOrder queues a USER_CONFIRM or USER_PAID notification about o and
// starts its delivery.
func (s *Simulator) notifyOrder(o Order, event string) error {
	v := viewOf(o)
	v.NotifyURL = ""
	if event == EventUserPaid {
		v.OutTradeNo = o.OutTradeNo
	}
	cb := s.orderCallback(o)
	var b []byte
	var err error
	if o.Mode != "" {
		b, err = encodeDeclared(event+" plaintext", cb.plaintext, v)
	} else {
		b, err = encodeChecked(event+" plaintext", cb.plaintext, v)
	}
	if err != nil {
		return fmt.Errorf("sim: the notification would break the spec: %w", err)
	}
	s.mu.Lock()
	_, err = s.queueLocked(cb, event, o, b, s.cfg.clock.Now())
	s.mu.Unlock()
	if err != nil {
		return err
	}
	s.goRunDue()
	return nil
}

// queueLocked seals and queues a notification of callback cb about order o.
// Call with s.mu held.
func (s *Simulator) queueLocked(cb *callbackSpec, event string, o Order, plaintext []byte, now time.Time) (*notification, error) {
	if o.NotifyURL == "" {
		return nil, errNoNotifyURL
	}
	id := "EV-" + chinaTime(now) + notifytest.RandomString(12)
	env := notify.Envelope{
		ID:           id,
		CreateTime:   now.In(wxtime.China).Format(time.RFC3339),
		EventType:    event,
		ResourceType: "encrypt-resource",
		Summary:      summaries[event],
		// The order notifications carry resource.original_type "payscore".
		Resource: notify.Resource{OriginalType: "payscore"},
	}
	body, err := notifytest.SealEnvelope(s.cfg.apiV3Key, env, plaintext)
	if err != nil {
		return nil, fmt.Errorf("sim: seal notification: %w", err)
	}
	first, _ := cb.delay(0)
	n := &notification{
		Delivery: Delivery{
			ID: id, EventType: event, MchID: o.MchID, OutOrderNo: o.OutOrderNo, URL: o.NotifyURL,
			CreateTime: now, Plaintext: plaintext, State: DeliveryPending,
		},
		cb:   cb,
		seq:  len(s.notes),
		body: body,
		due:  now.Add(first),
	}
	s.notes = append(s.notes, n)
	s.notesByID[id] = n
	s.notifyChangedLocked()
	return n, nil
}

// nextTxn numbers the simulated transactions.
func (s *Simulator) nextTxn() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txnSeq++
	return s.txnSeq
}

// resolveOrder finds the merchant of an out_order_no when the control API
// does not name one.
func (s *Simulator) resolveOrder(mchID, outOrderNo string) (string, error) {
	if mchID != "" {
		return mchID, nil
	}
	var found []string
	for _, o := range s.orders.List() {
		if o.OutOrderNo == outOrderNo {
			found = append(found, o.MchID)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%w: order %q", ErrNotFound, outOrderNo)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%w: out_order_no %q is used by merchants %s: give mchid", ErrAmbiguous, outOrderNo, strings.Join(found, ", "))
}

// ctlOrder is POST /sim/orders/{confirm,pay,expire,prepay}.
func (s *Simulator) ctlOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Package    string `json:"package"`
		MchID      string `json:"mchid"`
		OutOrderNo string `json:"out_order_no"`
		OpenID     string `json:"openid"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	step := r.PathValue("step")
	if step == "confirm" && in.Package != "" {
		o, err := s.ConfirmOrder(in.Package, in.OpenID)
		writeOrder(w, o, err)
		return
	}
	if in.OutOrderNo == "" {
		writeErr(w, http.StatusBadRequest, fmt.Errorf("%w: out_order_no is required", ErrInvalidInput))
		return
	}
	mchID, err := s.resolveOrder(in.MchID, in.OutOrderNo)
	if err != nil {
		writeErr(w, errStatus(err), err)
		return
	}
	switch step {
	case "confirm":
		o, err := s.ConfirmOrderNo(mchID, in.OutOrderNo, in.OpenID)
		writeOrder(w, o, err)
	case "pay":
		o, err := s.PayOrder(mchID, in.OutOrderNo)
		writeOrder(w, o, err)
	case "expire":
		o, err := s.ExpireOrder(mchID, in.OutOrderNo)
		writeOrder(w, o, err)
	case "prepay":
		d, err := s.RequestPrepay(mchID, in.OutOrderNo)
		if err != nil {
			writeErr(w, errStatus(err), err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"delivery": d})
	default:
		writeErr(w, http.StatusNotFound, fmt.Errorf("%w: no order step %q (confirm, pay, expire, prepay)", ErrNotFound, step))
	}
}

// writeOrder answers an order step: the order, and for a confirmation the
// query_id the confirm jump hands back.
func writeOrder(w http.ResponseWriter, o Order, err error) {
	if err != nil {
		writeErr(w, errStatus(err), err)
		return
	}
	out := map[string]any{"order": o}
	if o.State == OrderDoing && o.StateDescription == DescUserConfirm {
		out["query_id"] = o.QueryID
	}
	writeJSON(w, http.StatusOK, out)
}
