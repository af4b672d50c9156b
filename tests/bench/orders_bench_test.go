package bench_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/dedupe"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// The service-order rows: a complete-order request with the most items the
// doc allows (100 post_payments), validated and sent, and a USER_PAID
// notification carrying arrays at every level.

const completeItems = 100

// completeRequest is A9's request with completeItems post_payments, three
// discounts and every optional member set, its total the documented sum.
func completeRequest() *acquiringbank.CompleteServiceOrderRequest {
	r := &acquiringbank.CompleteServiceOrderRequest{
		OutOrderNo: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000109",
		TimeRange: &payscore.TimeRange{StartTime: "20091225091010", StartTimeRemark: "备注1",
			EndTime: "20091225121010", EndTimeRemark: "备注2"},
		Location: &payscore.Location{StartLocation: "嗨客时尚主题展餐厅", EndLocation: "嗨客时尚主题展餐厅"},
		GoodsTag: "goods_tag",
	}
	for i := range completeItems {
		r.PostPayments = append(r.PostPayments, payscore.PostPayment{Name: fmt.Sprintf("就餐费用%d", i),
			Amount: 40, Description: "就餐人均100元", Count: 4})
		r.TotalAmount += 40
	}
	for range 3 {
		r.PostDiscounts = append(r.PostDiscounts, payscore.PostDiscount{Name: "满20减1元",
			Description: "不与其他优惠叠加", Amount: 100, Count: 2})
		r.TotalAmount -= 100
	}
	return r
}

var (
	validComplete = completeRequest()
	// Every item wrong: each post_payments name one character too long.
	invalidComplete = func() *acquiringbank.CompleteServiceOrderRequest {
		r := completeRequest()
		for i := range r.PostPayments {
			r.PostPayments[i].Name = strings.Repeat("费", 21)
		}
		return r
	}()
)

// handAt is where a hand-written check looks: a top-level field (i < 0)
// or a member of item i of an array. The path string is built only for a
// violation, as Validate builds it.
type handAt struct {
	array string
	i     int
}

var top = handAt{i: -1}

func (a handAt) path(member string) string {
	if a.i < 0 {
		return member
	}
	return a.array + "[" + strconv.Itoa(a.i) + "]." + member
}

// str checks a string of at most max characters (0: no maximum) of valid
// UTF-8, empty only when not required.
func (e handErrors) str(at handAt, member, v string, required bool, max int) handErrors {
	switch {
	case v == "":
		if required {
			return append(e, handError{at.path(member), "required", 0})
		}
		return e
	case !utf8.ValidString(v):
		return append(e, handError{at.path(member), "invalid UTF-8", 0})
	}
	if n := utf8.RuneCountInString(v); max > 0 && n > max {
		return append(e, handError{at.path(member), "too long", n})
	}
	return e
}

// num checks an integer against min and, when max >= min, max; an absent
// one only when required.
func (e handErrors) num(at handAt, member string, v int64, present, required bool, min, max int64) handErrors {
	switch {
	case !present:
		if required {
			return append(e, handError{at.path(member), "required", 0})
		}
	case v < min:
		return append(e, handError{at.path(member), "below minimum", int(v)})
	case max >= min && v > max:
		return append(e, handError{at.path(member), "above maximum", int(v)})
	}
	return e
}

// chinaTimeOK: yyyyMMddHHmmss or yyyyMMdd (a real date), or OnAccept where
// the doc allows it.
func chinaTimeOK(v string, onAccept bool) bool {
	layout := "20060102150405"
	switch {
	case onAccept && v == "OnAccept":
		return true
	case len(v) == 8:
		layout = "20060102"
	case len(v) != 14:
		return false
	}
	_, err := time.ParseInLocation(layout, v, wxtime.China)
	return err == nil
}

// outOrderNoOK is the out_order_no pattern ^[0-9A-Za-z_\-|*]+$.
func outOrderNoOK(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_', c == '-', c == '|', c == '*':
		default:
			return false
		}
	}
	return true
}

// handValidateComplete is CompleteServiceOrderRequest's rules written by
// hand, every violation reported: the strings' limits and out_order_no's
// pattern, 1 to 100 post_payments and at most 30 post_discounts with their
// members' limits (names required, discount amounts required), the
// time_range formats with start_time required, and the documented sum.
func handValidateComplete(r *acquiringbank.CompleteServiceOrderRequest) error {
	var e handErrors
	e = e.str(top, "out_order_no", r.OutOrderNo, true, 32)
	if r.OutOrderNo != "" && utf8.ValidString(r.OutOrderNo) && !outOrderNoOK(r.OutOrderNo) {
		e = append(e, handError{"out_order_no", "pattern", -1})
	}
	e = e.str(top, "service_id", r.ServiceID, true, 32)
	e = e.str(top, "channel_id", r.ChannelID, false, 32)
	e = e.str(top, "sub_mchid", r.SubMchID, true, 32)
	if n := len(r.PostPayments); n == 0 || n > 100 {
		e = append(e, handError{"post_payments", "1 to 100 items", n})
	}
	sum := int64(0)
	for i := range r.PostPayments {
		p, at := &r.PostPayments[i], handAt{"post_payments", i}
		e = e.str(at, "name", p.Name, true, 20)
		e = e.num(at, "amount", p.Amount, p.Amount != 0, false, 0, -1)
		e = e.str(at, "description", p.Description, false, 30)
		e = e.num(at, "count", p.Count, p.Count != 0, false, 1, 100)
		sum += p.Amount
	}
	if n := len(r.PostDiscounts); n > 30 {
		e = append(e, handError{"post_discounts", "at most 30 items", n})
	}
	for i := range r.PostDiscounts {
		d, at := &r.PostDiscounts[i], handAt{"post_discounts", i}
		e = e.str(at, "name", d.Name, true, 20)
		e = e.str(at, "description", d.Description, true, 30)
		e = e.num(at, "amount", d.Amount, d.Amount != 0, true, 0, -1)
		e = e.num(at, "count", d.Count, d.Count != 0, false, 1, 100)
		sum -= d.Amount
	}
	e = e.num(top, "total_amount", r.TotalAmount, true, true, 0, -1)
	if t := r.TimeRange; t != nil {
		e = e.timeField("time_range.start_time", t.StartTime, true, true)
		e = e.str(top, "time_range.start_time_remark", t.StartTimeRemark, false, 20)
		e = e.timeField("time_range.end_time", t.EndTime, false, false)
		e = e.str(top, "time_range.end_time_remark", t.EndTimeRemark, false, 20)
	}
	if l := r.Location; l != nil {
		e = e.str(top, "location.start_location", l.StartLocation, false, 50)
		e = e.str(top, "location.end_location", l.EndLocation, false, 50)
	}
	e = e.str(top, "goods_tag", r.GoodsTag, false, 32)
	if r.TotalAmount != sum {
		e = append(e, handError{"total_amount", "not the sum", int(sum)})
	}
	if len(e) > 0 {
		return e
	}
	return nil
}

// timeField is a time_range member: at most 14 characters in one of the
// two China formats (or OnAccept). Invalid UTF-8 is reported alone.
func (e handErrors) timeField(path, v string, required, onAccept bool) handErrors {
	e = e.str(top, path, v, required, 14)
	if v != "" && utf8.ValidString(v) && !chinaTimeOK(v, onAccept) {
		e = append(e, handError{path, "format", -1})
	}
	return e
}

// TestValidateCompleteBaselineAgrees: the hand-written check accepts and
// rejects what Validate does, with as many violations, on the fixtures and
// on one change of each rule.
func TestValidateCompleteBaselineAgrees(t *testing.T) {
	count := func(err error) int {
		var hand handErrors
		var ours *validate.Errors
		switch {
		case err == nil:
			return 0
		case errors.As(err, &hand):
			return len(hand)
		case errors.As(err, &ours):
			return len(ours.Fields)
		}
		t.Fatalf("unexpected error %v", err)
		return -1
	}
	if n, m := count(handValidateComplete(validComplete)), count(validComplete.Validate()); n != 0 || m != 0 {
		t.Fatalf("valid request: hand-written %d violations, Validate %d", n, m)
	}
	if n, m := count(handValidateComplete(invalidComplete)), count(invalidComplete.Validate()); n != completeItems || m != completeItems {
		t.Fatalf("every item wrong: hand-written %d violations, Validate %d, want %d", n, m, completeItems)
	}
	changes := map[string]func(r *acquiringbank.CompleteServiceOrderRequest){
		"out_order_no pattern": func(r *acquiringbank.CompleteServiceOrderRequest) { r.OutOrderNo = "a b" },
		"out_order_no long":    func(r *acquiringbank.CompleteServiceOrderRequest) { r.OutOrderNo = strings.Repeat("a", 33) },
		"no service_id":        func(r *acquiringbank.CompleteServiceOrderRequest) { r.ServiceID = "" },
		"no items":             func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostPayments = nil; r.TotalAmount = -300 },
		"101 items": func(r *acquiringbank.CompleteServiceOrderRequest) {
			r.PostPayments = append(r.PostPayments, r.PostPayments[0])
		},
		"item without name":      func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostPayments[7].Name = "" },
		"item count 101":         func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostPayments[7].Count = 101 },
		"item amount negative":   func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostPayments[7].Amount = -1 },
		"discount amount absent": func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostDiscounts[1].Amount = 0 },
		"discount no desc":       func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostDiscounts[1].Description = "" },
		"start_time absent":      func(r *acquiringbank.CompleteServiceOrderRequest) { r.TimeRange.StartTime = "" },
		"start_time OnAccept":    func(r *acquiringbank.CompleteServiceOrderRequest) { r.TimeRange.StartTime = "OnAccept" },
		"start_time a date":      func(r *acquiringbank.CompleteServiceOrderRequest) { r.TimeRange.StartTime = "20091225" },
		"start_time 30 Feb":      func(r *acquiringbank.CompleteServiceOrderRequest) { r.TimeRange.StartTime = "20090230091010" },
		"end_time OnAccept":      func(r *acquiringbank.CompleteServiceOrderRequest) { r.TimeRange.EndTime = "OnAccept" },
		"end_time 15 chars":      func(r *acquiringbank.CompleteServiceOrderRequest) { r.TimeRange.EndTime = "200912251210100" },
		"location long":          func(r *acquiringbank.CompleteServiceOrderRequest) { r.Location.EndLocation = strings.Repeat("地", 51) },
		"sum off by one":         func(r *acquiringbank.CompleteServiceOrderRequest) { r.TotalAmount++ },
		"invalid UTF-8":          func(r *acquiringbank.CompleteServiceOrderRequest) { r.GoodsTag = "\xff" },
	}
	for name, change := range changes {
		r := completeRequest()
		change(r)
		if n, m := count(handValidateComplete(r)), count(r.Validate()); n != m || n == 0 && name != "start_time OnAccept" && name != "start_time a date" {
			t.Errorf("%s: hand-written %d violations (%v), Validate %d (%v)", name, n, handValidateComplete(r), m, r.Validate())
		}
	}
}

func BenchmarkPairValidateOrder(b *testing.B) {
	b.Run("valid_100_items", func(b *testing.B) {
		compareValidate(b, validComplete.Validate, func() error { return handValidateComplete(validComplete) }, true)
	})
	b.Run("every_item_wrong", func(b *testing.B) {
		compareValidate(b, invalidComplete.Validate, func() error { return handValidateComplete(invalidComplete) }, false)
	})
}

// BenchmarkPairOrderClientCall: the generated CompleteServiceOrder with 100
// post_payments (validation with the sum rule, JSON with arrays, signing,
// the loopback round trip, the answer's signature, 204) against
// core.Client.Request sending the same struct with the same checks written
// by hand.
func BenchmarkPairOrderClientCall(b *testing.B) {
	srv := signedServer(b, http.StatusNoContent, "")
	client := acquiringbank.NewClient(coreClient(b), acquiringbank.WithBaseURL(srv.URL))
	raw := coreClient(b)
	ctx := context.Background()
	req := validComplete
	ours := serial(func(int) {
		if _, err := client.CompleteServiceOrder(ctx, req); err != nil {
			b.Fatal(err)
		}
	})
	base := serial(func(int) {
		if err := handValidateComplete(req); err != nil {
			b.Fatal(err)
		}
		result, err := raw.Request(ctx, http.MethodPost,
			srv.URL+"/v3/payscore/acquiringbank/serviceorder/"+req.OutOrderNo+"/complete", nil, nil, req, "application/json")
		if err != nil || result.Response.StatusCode != http.StatusNoContent {
			b.Fatal(err)
		}
		_ = result.Response.Body.Close()
	})
	comparePair(b, ours, base)
}

// userPaidPlaintext is a USER_PAID resource with ten post_payments, two
// discounts and a collection whose detail carries a promotion with goods.
var userPaidPlaintext = userPaidResource(10)

func userPaidResource(payments int) string {
	items := []string{}
	for i := range payments {
		items = append(items, fmt.Sprintf(`{"name":"就餐费用%d","amount":400,"description":"就餐人均100元","count":1}`, i))
	}
	return `{"service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109","sub_appid":"wxd678efh567hg6787",` +
		`"sub_mchid":"1900000109","channel_id":"1230000109","out_order_no":"1234323JKHDFE1243252",` +
		`"out_trade_no":"1234323JKHDFE1243252","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","state":"DONE",` +
		`"state_description":"MCH_COMPLETE","service_introduction":"某某酒店","total_amount":3800,` +
		`"post_payments":[` + strings.Join(items, ",") + `],` +
		`"post_discounts":[{"name":"满20减1元","description":"不与其他优惠叠加","amount":100,"count":1},` +
		`{"name":"新客立减","description":"首单立减","amount":100,"count":1}],` +
		`"risk_fund":{"name":"ESTIMATE_ORDER_COST","amount":10000,"description":"就餐的预估费用"},` +
		`"time_range":{"start_time":"20091225091010","end_time":"20091225121010","start_time_remark":"备注1","end_time_remark":"备注2"},` +
		`"location":{"start_location":"嗨客时尚主题展餐厅","end_location":"嗨客时尚主题展餐厅"},` +
		`"attach":"Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald","order_id":"15646546545165651651","need_collection":true,` +
		`"collection":{"state":"USER_PAID","total_amount":3800,"paying_amount":0,"paid_amount":3800,"details":[` +
		`{"seq":1,"amount":3800,"paid_type":"NEWTON","paid_time":"20091225091210","transaction_id":"15646546545165651651",` +
		`"promotion_detail":[{"coupon_id":"109519","name":"单品惠-6","scope":"SINGLE","type":"CASH","amount":5,` +
		`"stock_id":"931386","wechatpay_contribute":0,"merchant_contribute":0,"other_contribute":0,"currency":"CNY",` +
		`"goods_detail":[{"goods_id":"M1006","quantity":1,"unit_price":100,"discount_amount":1,"goods_remark":"商品备注信息"}]}]}],` +
		`"bank_type":"CMC"}}`
}

var userPaidKind = &notifyKind{
	eventType: acquiringbank.UserPaidEventType, summary: "用户支付成功", plaintext: userPaidPlaintext,
	maxBody: acquiringbank.OrderNotifyMaxBodyBytes,
	ours: func(p *notify.Parser, store dedupe.Store, callback func(), opts ...notify.HandlerOption) (http.Handler, error) {
		return acquiringbank.NewOrderNotifyHandler(p, store, acquiringbank.OrderNotifyHandlers{
			OnUserPaid: func(_ context.Context, ev *acquiringbank.UserPaidEvent) error {
				if len(ev.Data.PostPayments) != 10 || ev.Data.Collection == nil {
					return errors.New("not decoded")
				}
				callback()
				return nil
			},
			Default:   ignoreOther,
			OnInvalid: onInvalid,
		}, opts...)
	},
	floorDecode: func(plain []byte) bool {
		var data floorOrder
		return notify.CheckStrictJSON(plain) == nil && json.Unmarshal(plain, &data) == nil && data.check() &&
			len(data.PostPayments) == 10 && data.Collection != nil
	},
}

// floorOrder is the order resource with the same JSON members the
// generated OrderNotifyData decodes, declared by hand.
type floorOrder struct {
	ServiceID           string           `json:"service_id"`
	AppID               string           `json:"appid"`
	MchID               string           `json:"mchid"`
	SubAppID            string           `json:"sub_appid"`
	SubMchID            string           `json:"sub_mchid"`
	ChannelID           string           `json:"channel_id"`
	OutOrderNo          string           `json:"out_order_no"`
	OutTradeNo          string           `json:"out_trade_no"`
	OpenID              string           `json:"openid"`
	SubOpenID           string           `json:"sub_openid"`
	State               string           `json:"state"`
	StateDescription    string           `json:"state_description"`
	ServiceIntroduction string           `json:"service_introduction"`
	TotalAmount         int64            `json:"total_amount"`
	PostPayments        []floorPayment   `json:"post_payments"`
	PostDiscounts       []floorDiscount  `json:"post_discounts"`
	RiskFund            floorRiskFund    `json:"risk_fund"`
	TimeRange           floorTimeRange   `json:"time_range"`
	Location            *floorLocation   `json:"location"`
	Attach              string           `json:"attach"`
	OrderID             string           `json:"order_id"`
	NeedCollection      bool             `json:"need_collection"`
	Collection          *floorCollection `json:"collection"`
}

type floorPayment struct {
	Name        string `json:"name"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Count       int64  `json:"count"`
}

type floorDiscount struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Amount      int64  `json:"amount"`
	Count       int64  `json:"count"`
}

type floorRiskFund struct {
	Name        string `json:"name"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
}

type floorTimeRange struct {
	StartTime       string `json:"start_time"`
	StartTimeRemark string `json:"start_time_remark"`
	EndTime         string `json:"end_time"`
	EndTimeRemark   string `json:"end_time_remark"`
}

type floorLocation struct {
	StartLocation string `json:"start_location"`
	EndLocation   string `json:"end_location"`
}

type floorCollection struct {
	State        string                  `json:"state"`
	TotalAmount  int64                   `json:"total_amount"`
	PayingAmount int64                   `json:"paying_amount"`
	PaidAmount   int64                   `json:"paid_amount"`
	Details      []floorCollectionDetail `json:"details"`
	BankType     string                  `json:"bank_type"`
}

type floorCollectionDetail struct {
	Seq             int64            `json:"seq"`
	Amount          int64            `json:"amount"`
	PaidType        string           `json:"paid_type"`
	PaidTime        string           `json:"paid_time"`
	TransactionID   string           `json:"transaction_id"`
	PromotionDetail []floorPromotion `json:"promotion_detail"`

	paidTime time.Time
}

type floorPromotion struct {
	CouponID            string       `json:"coupon_id"`
	Name                string       `json:"name"`
	Scope               string       `json:"scope"`
	Type                string       `json:"type"`
	Amount              int64        `json:"amount"`
	StockID             string       `json:"stock_id"`
	WechatpayContribute int64        `json:"wechatpay_contribute"`
	MerchantContribute  int64        `json:"merchant_contribute"`
	OtherContribute     int64        `json:"other_contribute"`
	Currency            string       `json:"currency"`
	GoodsDetail         []floorGoods `json:"goods_detail"`
}

type floorGoods struct {
	GoodsID        string `json:"goods_id"`
	Quantity       int64  `json:"quantity"`
	UnitPrice      int64  `json:"unit_price"`
	DiscountAmount int64  `json:"discount_amount"`
	GoodsRemark    string `json:"goods_remark"`
}

// in: v is empty (when allowed) or one of the values.
func in(v string, required bool, values ...string) bool {
	if v == "" {
		return !required
	}
	for _, w := range values {
		if v == w {
			return true
		}
	}
	return false
}

// check is OrderNotifyData.Validate's rules and those of every type it
// holds, written by hand.
func (d *floorOrder) check() bool {
	ok := lenIn(d.ServiceID, true, 32) && lenIn(d.AppID, true, 32) && lenIn(d.MchID, true, 32) &&
		lenIn(d.SubAppID, false, 32) && lenIn(d.SubMchID, true, 32) && lenIn(d.ChannelID, false, 32) &&
		lenIn(d.OutOrderNo, true, 32) && lenIn(d.OutTradeNo, false, 32) && lenIn(d.OpenID, false, 128) &&
		lenIn(d.SubOpenID, false, 128) && in(d.State, true, "CREATED", "DOING", "DONE", "REVOKED", "EXPIRED") &&
		in(d.StateDescription, false, "USER_CONFIRM", "MCH_COMPLETE") && lenIn(d.ServiceIntroduction, true, 20) &&
		d.TotalAmount >= 0 && len(d.PostPayments) >= 1 && len(d.PostPayments) <= 100 && len(d.PostDiscounts) <= 30 &&
		in(d.RiskFund.Name, false, "DEPOSIT", "ADVANCE", "CASH_DEPOSIT", "ESTIMATE_ORDER_COST") &&
		d.RiskFund.Amount >= 1 && lenIn(d.RiskFund.Description, false, 30) &&
		lenIn(d.TimeRange.StartTime, false, 14) && (d.TimeRange.StartTime == "" || chinaTimeOK(d.TimeRange.StartTime, true)) &&
		lenIn(d.TimeRange.StartTimeRemark, false, 20) &&
		lenIn(d.TimeRange.EndTime, false, 14) && (d.TimeRange.EndTime == "" || chinaTimeOK(d.TimeRange.EndTime, false)) &&
		lenIn(d.TimeRange.EndTimeRemark, false, 20) && lenIn(d.Attach, false, 256) && lenIn(d.OrderID, false, 64)
	if !ok {
		return false
	}
	for _, p := range d.PostPayments {
		if !lenIn(p.Name, false, 20) || p.Amount < 0 || !lenIn(p.Description, false, 30) || p.Count != 0 && (p.Count < 1 || p.Count > 100) {
			return false
		}
	}
	for _, p := range d.PostDiscounts {
		if !lenIn(p.Name, false, 20) || !lenIn(p.Description, false, 30) || p.Amount < 0 || p.Count != 0 && (p.Count < 1 || p.Count > 100) {
			return false
		}
	}
	if l := d.Location; l != nil && (!lenIn(l.StartLocation, false, 50) || !lenIn(l.EndLocation, false, 50)) {
		return false
	}
	if c := d.Collection; c != nil {
		if !in(c.State, true, "USER_PAYING", "USER_PAID") || c.TotalAmount < 0 || c.PayingAmount < 0 || c.PaidAmount < 0 ||
			!utf8.ValidString(c.BankType) {
			return false
		}
		for i := range c.Details {
			if !c.Details[i].check() {
				return false
			}
		}
	}
	return true
}

func (t *floorCollectionDetail) check() bool {
	if t.Seq < 0 || t.Amount < 0 || !in(t.PaidType, false, "NEWTON", "MCH") || len(t.PaidTime) != 14 ||
		!lenIn(t.TransactionID, false, 32) {
		return false
	}
	var err error
	if t.paidTime, err = time.ParseInLocation(wxtime.ChinaTimeLayout, t.PaidTime, wxtime.China); err != nil {
		return false
	}
	for _, p := range t.PromotionDetail {
		if !lenIn(p.CouponID, true, 32) || !lenIn(p.Name, false, 64) || !in(p.Scope, false, "GLOBAL", "SINGLE") ||
			!in(p.Type, false, "CASH", "NOCASH") || p.Amount < 0 || !lenIn(p.StockID, false, 32) ||
			p.WechatpayContribute < 0 || p.MerchantContribute < 0 || p.OtherContribute < 0 || !in(p.Currency, false, "CNY") {
			return false
		}
		for _, g := range p.GoodsDetail {
			if !lenIn(g.GoodsID, true, 32) || g.Quantity < 0 || g.UnitPrice < 0 || g.DiscountAmount < 0 ||
				!lenIn(g.GoodsRemark, false, 128) {
				return false
			}
		}
	}
	return true
}

// TestOrderCallbackSidesAgree: the generated order handler and the floor
// both accept the USER_PAID fixture and run the callback once per id, and
// both refuse resources that break one rule of the nested types.
func TestOrderCallbackSidesAgree(t *testing.T) {
	f := newCallbackFixture(t, userPaidKind, 3)
	bad := map[string]int{}
	for what, change := range map[string][2]string{
		"promotion scope":      {`"scope":"SINGLE"`, `"scope":"LOCAL"`},
		"goods_id too long":    {`"goods_id":"M1006"`, `"goods_id":"` + strings.Repeat("M", 33) + `"`},
		"paid_time not a time": {`"paid_time":"20091225091210"`, `"paid_time":"20091325091210"`},
		"item count -1":        {`"count":1}`, `"count":-1}`},
		"risk_fund amount 0":   {`"amount":10000`, `"amount":0`},
		"collection state":     {`"state":"USER_PAID"`, `"state":"PAID"`},
	} {
		if !strings.Contains(userPaidPlaintext, change[0]) {
			t.Fatalf("%s: fixture has no %s", what, change[0])
		}
		bad[what] = f.add(t, f.seal(t, f.envelope(100+len(bad)), strings.Replace(userPaidPlaintext, change[0], change[1], 1)))
	}
	bad["no post_payments"] = f.add(t, f.seal(t, f.envelope(200), userPaidResource(0)))
	for name, d := range map[string]*deliverer{"ours": f.ours(t), "floor": f.floor(t)} {
		w := &replyRecorder{header: http.Header{}}
		for i := range 3 {
			w.reset()
			d.h.ServeHTTP(w, f.delivery(i))
			if w.code != http.StatusNoContent {
				t.Fatalf("%s: delivery %d: status %d", name, i, w.code)
			}
		}
		for what, i := range bad {
			w.reset()
			d.h.ServeHTTP(w, f.delivery(i))
			if w.code < 400 {
				t.Errorf("%s: %s: status %d, want a refusal", name, what, w.code)
			}
		}
		if d.handled.Load() != 3 {
			t.Errorf("%s: %d callbacks, want 3", name, d.handled.Load())
		}
	}
}

func BenchmarkPairOrderCallback(b *testing.B) {
	f := newCallbackFixture(b, userPaidKind, 512)
	comparePair(b, f.ours(b).serial(), f.floor(b).serial())
}
