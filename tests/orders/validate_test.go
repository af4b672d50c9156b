// Package orders tests the generated acquiring-bank service-order API:
// request validation (every documented limit and cross-field rule, with the
// field path of each violation), client placement against a loopback server
// that verifies signatures, and the order notifications through the
// generated handler with real keys.
package orders

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// paths returns the field paths of a validation error, sorted.
func paths(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs *validate.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("not a *validate.Errors: %v", err)
	}
	var out []string
	for _, f := range errs.Fields {
		out = append(out, f.Path)
	}
	slices.Sort(out)
	return out
}

func wantPaths(t *testing.T, name string, err error, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := paths(t, err); !slices.Equal(got, want) {
		t.Errorf("%s: violations at %v, want %v (%v)", name, got, want, err)
	}
}

func n(s string, count int) string { return strings.Repeat(s, count) }

func validCreate() acquiringbank.CreateServiceOrderRequest {
	return acquiringbank.CreateServiceOrderRequest{
		ServiceID:           "500001",
		AppID:               "wxd678efh567hg6787",
		SubMchID:            "1900000109",
		SubAppID:            "wxd678efh567hg6999",
		ChannelID:           "1230000109",
		OutOrderNo:          "1234323JKHDFE1243252",
		ServiceIntroduction: "某某酒店",
		PostPayments:        []payscore.PostPayment{{Name: "就餐费用", Amount: 40000, Description: "就餐人均100元", Count: 4}},
		PostDiscounts:       []payscore.PostDiscount{{Name: "满20减1元", Description: "不与其他优惠叠加", Amount: 100, Count: 1}},
		RiskFund:            payscore.RiskFund{Name: payscore.RiskFundNameEstimateOrderCost, Amount: 10000, Description: "就餐的预估费用"},
		TimeRange:           payscore.TimeRange{StartTime: "20091225091010", EndTime: "20091225121010"},
		Location:            &payscore.Location{StartLocation: "嗨客时尚主题展餐厅", EndLocation: "嗨客时尚主题展餐厅"},
		OpenID:              "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
		NotifyURL:           "https://api.test.com",
		Attach:              "Easdfowealsdkjfnlaksjdlfkwqoi&wl3l2sald",
	}
}

func TestCreateValidation(t *testing.T) {
	base := validCreate()
	if err := base.Validate(); err != nil {
		t.Fatalf("valid create refused: %v", err)
	}
	payments := func(k int) []payscore.PostPayment {
		out := make([]payscore.PostPayment, k)
		for i := range out {
			out[i] = payscore.PostPayment{Name: "项目"}
		}
		return out
	}
	discounts := func(k int) []payscore.PostDiscount {
		out := make([]payscore.PostDiscount, k)
		for i := range out {
			out[i] = payscore.PostDiscount{Name: "优惠", Description: "说明"}
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		change func(r *acquiringbank.CreateServiceOrderRequest)
		want   []string
	}{
		{"required strings", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.ServiceID, r.AppID, r.SubMchID, r.ChannelID, r.OutOrderNo, r.ServiceIntroduction, r.NotifyURL = "", "", "", "", "", "", ""
		}, []string{"service_id", "appid", "sub_mchid", "channel_id", "out_order_no", "service_introduction", "notify_url"}},
		{"32-character limits", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.ServiceID, r.AppID, r.SubMchID, r.SubAppID, r.ChannelID, r.OutOrderNo = n("1", 33), n("w", 33), n("1", 33), n("w", 33), n("1", 33), n("A", 33)
		}, []string{"service_id", "appid", "sub_mchid", "sub_appid", "channel_id", "out_order_no"}},
		{"at the limits", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.ServiceID, r.OutOrderNo, r.ServiceIntroduction = n("1", 32), n("A", 32), n("服", 20)
			r.OpenID, r.SubOpenID, r.Attach = n("o", 128), n("o", 128), n("a", 256)
			r.NotifyURL = "https://a.example/" + n("p", 255-len("https://a.example/"))
			r.PostPayments, r.PostDiscounts = payments(100), discounts(30)
		}, nil},
		{"out_order_no characters", func(r *acquiringbank.CreateServiceOrderRequest) { r.OutOrderNo = "NO.1" }, []string{"out_order_no"}},
		{"out_order_no allowed characters", func(r *acquiringbank.CreateServiceOrderRequest) { r.OutOrderNo = "aZ09_-|*" }, nil},
		{"service_introduction 21 characters", func(r *acquiringbank.CreateServiceOrderRequest) { r.ServiceIntroduction = n("服", 21) }, []string{"service_introduction"}},
		{"openid, sub_openid, attach, notify_url too long", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.OpenID, r.SubOpenID, r.Attach = n("o", 129), n("o", 129), n("a", 257)
			r.NotifyURL = "https://a.example/" + n("p", 256-len("https://a.example/"))
		}, []string{"openid", "sub_openid", "attach", "notify_url"}},
		{"101 post_payments", func(r *acquiringbank.CreateServiceOrderRequest) { r.PostPayments = payments(101) }, []string{"post_payments"}},
		{"31 post_discounts", func(r *acquiringbank.CreateServiceOrderRequest) { r.PostDiscounts = discounts(31) }, []string{"post_discounts"}},
		{"post_payments item members", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.PostPayments = []payscore.PostPayment{
				{Name: "ok", Amount: 0, Count: 1},
				{Name: n("名", 21), Description: n("说", 31), Amount: -1, Count: 101},
				{Amount: 5},
			}
		}, []string{"post_payments[1].name", "post_payments[1].description", "post_payments[1].amount", "post_payments[1].count", "post_payments[2].name"}},
		{"post_discounts need name and description; amount optional at create", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.PostDiscounts = []payscore.PostDiscount{{Name: "a"}, {Description: "b"}, {Name: "c", Description: "d", Count: 101}}
		}, []string{"post_discounts[0].description", "post_discounts[1].name", "post_discounts[2].count"}},
		{"risk_fund name required, enum, amount > 0", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.RiskFund = payscore.RiskFund{Amount: 0, Description: n("说", 31)}
		}, []string{"risk_fund.name", "risk_fund.amount", "risk_fund.description"}},
		{"risk_fund name outside the enum", func(r *acquiringbank.CreateServiceOrderRequest) { r.RiskFund.Name = "BAIL" }, []string{"risk_fund.name"}},
		{"every risk_fund name", func(r *acquiringbank.CreateServiceOrderRequest) {
			for _, v := range payscore.RiskFundNameValues {
				r.RiskFund.Name = v
				if err := r.Validate(); err != nil {
					t.Errorf("risk_fund.name %s: %v", v, err)
				}
			}
		}, nil},
		{"time_range.start_time required", func(r *acquiringbank.CreateServiceOrderRequest) { r.TimeRange = payscore.TimeRange{} }, []string{"time_range.start_time"}},
		{"time_range formats", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.TimeRange = payscore.TimeRange{StartTime: "2009-12-25", EndTime: "onaccept", StartTimeRemark: n("备", 21), EndTimeRemark: n("备", 21)}
		}, []string{"time_range.start_time", "time_range.end_time", "time_range.start_time_remark", "time_range.end_time_remark"}},
		{"start_time OnAccept and yyyyMMdd", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.TimeRange = payscore.TimeRange{StartTime: "OnAccept", EndTime: "20091226"}
		}, nil},
		{"end_time does not accept OnAccept", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.TimeRange = payscore.TimeRange{StartTime: "20091226", EndTime: "OnAccept"}
		}, []string{"time_range.end_time"}},
		{"impossible date", func(r *acquiringbank.CreateServiceOrderRequest) { r.TimeRange.StartTime = "20090230" }, []string{"time_range.start_time"}},
		{"location 50 characters, not 51", func(r *acquiringbank.CreateServiceOrderRequest) {
			r.Location = &payscore.Location{StartLocation: n("地", 50), EndLocation: n("地", 51)}
		}, []string{"location.end_location"}},
	} {
		r := validCreate()
		tc.change(&r)
		wantPaths(t, tc.name, r.Validate(), tc.want...)
	}
}

func TestQueryExactlyOneOf(t *testing.T) {
	base := acquiringbank.QueryServiceOrderRequest{ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109"}
	for _, tc := range []struct {
		name                string
		outOrderNo, queryID string
		want                []string
	}{
		{"out_order_no", "1234323JKHDFE1243252", "", nil},
		{"query_id", "", "15646546545165651651", nil},
		{"neither", "", "", []string{"out_order_no|query_id"}},
		{"both", "1234323JKHDFE1243252", "15646546545165651651", []string{"out_order_no|query_id"}},
		{"query_id 512", "", n("q", 512), nil},
		{"query_id 513", "", n("q", 513), []string{"query_id"}},
		{"out_order_no characters", "NO 1", "", []string{"out_order_no"}},
	} {
		r := base
		r.OutOrderNo, r.QueryID = tc.outOrderNo, tc.queryID
		wantPaths(t, tc.name, r.Validate(), tc.want...)
	}
	wantPaths(t, "keys", (&acquiringbank.QueryServiceOrderRequest{QueryID: "q"}).Validate(), "service_id", "sub_mchid", "channel_id")
}

func TestCancelValidation(t *testing.T) {
	ok := acquiringbank.CancelServiceOrderRequest{OutOrderNo: "NO1", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000109", Reason: n("因", 50)}
	wantPaths(t, "valid", ok.Validate())
	wantPaths(t, "empty", (&acquiringbank.CancelServiceOrderRequest{}).Validate(), "out_order_no", "service_id", "channel_id", "sub_mchid", "reason")
	r := ok
	r.Reason, r.OutOrderNo = n("因", 51), "NO/1"
	wantPaths(t, "reason 51, path parameter with a slash", r.Validate(), "reason", "out_order_no")
}

func validComplete() acquiringbank.CompleteServiceOrderRequest {
	return acquiringbank.CompleteServiceOrderRequest{
		OutOrderNo:    "NO1",
		ServiceID:     "500001",
		SubMchID:      "1900000109",
		PostPayments:  []payscore.PostPayment{{Name: "就餐费用", Amount: 4000}, {Name: "饮料", Amount: 500}},
		PostDiscounts: []payscore.PostDiscount{{Name: "满20减1元", Description: "不与其他优惠叠加", Amount: 100}},
		TotalAmount:   4400,
	}
}

func TestCompleteValidation(t *testing.T) {
	wantPaths(t, "valid (channel_id optional here)", func() error { r := validComplete(); return r.Validate() }())
	for _, tc := range []struct {
		name   string
		change func(r *acquiringbank.CompleteServiceOrderRequest)
		want   []string
	}{
		{"sum: total above Σpayments − Σdiscounts", func(r *acquiringbank.CompleteServiceOrderRequest) { r.TotalAmount = 4500 }, []string{"total_amount"}},
		{"sum: total below", func(r *acquiringbank.CompleteServiceOrderRequest) { r.TotalAmount = 4300 }, []string{"total_amount"}},
		{"sum without discounts", func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostDiscounts, r.TotalAmount = nil, 4500 }, nil},
		{"total 0 when discounts cover the payments (0 is a value, sent as 0)", func(r *acquiringbank.CompleteServiceOrderRequest) {
			r.PostDiscounts[0].Amount, r.TotalAmount = 4500, 0
		}, nil},
		{"post_payments required", func(r *acquiringbank.CompleteServiceOrderRequest) {
			r.PostPayments = nil
			r.PostDiscounts = nil
			r.TotalAmount = 1
		}, []string{"post_payments", "total_amount"}},
		{"payment name required", func(r *acquiringbank.CompleteServiceOrderRequest) { r.PostPayments[1].Name = "" }, []string{"post_payments[1].name"}},
		{"discount name, description, amount required", func(r *acquiringbank.CompleteServiceOrderRequest) {
			r.PostDiscounts = []payscore.PostDiscount{{Name: "a", Description: "b", Amount: 100}, {}}
		}, []string{"post_discounts[1].name", "post_discounts[1].description", "post_discounts[1].amount"}},
		{"time_range start_time required when given", func(r *acquiringbank.CompleteServiceOrderRequest) {
			r.TimeRange = &payscore.TimeRange{EndTime: "20091225121010"}
		}, []string{"time_range.start_time"}},
		{"complete_time (typed: wxtime.RFC3339)", func(r *acquiringbank.CompleteServiceOrderRequest) {
			ct, err := wxtime.ParseRFC3339("2019-11-11T16:24:05+08:00")
			if err != nil {
				t.Fatal(err)
			}
			r.CompleteTime = ct
		}, nil},
		{"goods_tag 33, channel_id 33", func(r *acquiringbank.CompleteServiceOrderRequest) { r.GoodsTag, r.ChannelID = n("g", 33), n("1", 33) }, []string{"goods_tag", "channel_id"}},
		{"keys", func(r *acquiringbank.CompleteServiceOrderRequest) { r.OutOrderNo, r.ServiceID, r.SubMchID = "", "", "" }, []string{"out_order_no", "service_id", "sub_mchid"}},
	} {
		r := validComplete()
		tc.change(&r)
		wantPaths(t, tc.name, r.Validate(), tc.want...)
	}
	// The rule reads the doc's formula in its message.
	r := validComplete()
	r.TotalAmount = 1
	if err := r.Validate(); err == nil || !strings.Contains(err.Error(), "post_payments.amount - post_discounts.amount") {
		t.Errorf("sum violation message: %v", err)
	}
}

func TestModifyValidation(t *testing.T) {
	ok := acquiringbank.ModifyServiceOrderRequest{OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109", TotalAmount: 3000, Reason: "用户投诉"}
	wantPaths(t, "valid without post_payments (optional on this page, no Σ rule)", ok.Validate())
	r := ok
	r.PostPayments = []payscore.PostPayment{{Amount: 10}}
	r.PostDiscounts = []payscore.PostDiscount{{Name: "a", Description: "b"}}
	r.Reason = n("因", 51)
	wantPaths(t, "items and reason", r.Validate(), "post_payments[0].name", "post_discounts[0].amount", "reason")
	wantPaths(t, "empty", (&acquiringbank.ModifyServiceOrderRequest{TotalAmount: 1}).Validate(), "out_order_no", "service_id", "sub_mchid", "reason")
	r = ok
	r.TotalAmount = -1
	wantPaths(t, "negative total", r.Validate(), "total_amount")
}

func TestSyncValidation(t *testing.T) {
	paid, err := wxtime.ParseChinaTime("20091225091210")
	if err != nil {
		t.Fatal(err)
	}
	ok := acquiringbank.SyncServiceOrderRequest{OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109",
		Type: acquiringbank.SyncTypeOrderPaid, Detail: acquiringbank.SyncServiceOrderRequestDetail{PaidTime: paid}}
	wantPaths(t, "valid", ok.Validate())
	r := ok
	r.Type = "Order_Refund"
	wantPaths(t, "type outside the enum", r.Validate(), "type")
	r = ok
	r.Detail = acquiringbank.SyncServiceOrderRequestDetail{}
	wantPaths(t, "detail.paid_time required", r.Validate(), "detail.paid_time")
	if ok.Detail.PaidTime.Time.Location() != wxtime.China && !ok.Detail.PaidTime.Time.Equal(time.Date(2009, 12, 25, 9, 12, 10, 0, wxtime.China)) {
		t.Errorf("paid_time parsed as %v", ok.Detail.PaidTime)
	}
}

func TestDeductionValidation(t *testing.T) {
	q := acquiringbank.QueryDeductionRequest{ServiceID: "500001", AppID: "wxd678efh567hg6787", SubMchID: "1900000109", ChannelID: "1230000109"}
	wantPaths(t, "out_order_no optional (erratum order-deduction-out-order-no-optional)", q.Validate())
	wantPaths(t, "empty query", (&acquiringbank.QueryDeductionRequest{}).Validate(), "service_id", "appid", "sub_mchid", "channel_id")
	q.SubAppID, q.OutOrderNo = n("w", 33), "NO 1"
	wantPaths(t, "sub_appid, out_order_no", q.Validate(), "sub_appid", "out_order_no")

	reg := acquiringbank.RegisterDeductInfoRequest{OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109", OutTradeNo: n("T", 32)}
	wantPaths(t, "register valid", reg.Validate())
	wantPaths(t, "register empty", (&acquiringbank.RegisterDeductInfoRequest{}).Validate(), "out_order_no", "service_id", "sub_mchid", "channel_id")
	reg.OutTradeNo, reg.AppID, reg.SubAppID = n("T", 33), n("w", 33), n("w", 33)
	wantPaths(t, "register lengths", reg.Validate(), "out_trade_no", "appid", "sub_appid")
}

func TestPayOnDeliveryValidation(t *testing.T) {
	ok := acquiringbank.CreatePayOnDeliveryOrderRequest{
		OutOrderNo: "NO1", AppID: "wxd678efh567hg6787", ServiceID: "500001", ServiceIntroduction: "某某超市",
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		PostPayments: []payscore.PostPayment{{Amount: 100}}, // every item member optional here
		ShoppingInfo: &payscore.PayOnDeliveryShoppingInfo{
			JumpLink: &payscore.PayOnDeliveryJumpLink{JumpLinkType: payscore.JumpLinkTypeJumpLinkMiniProgram, AppID: "wxd678efh567hg6787", Path: "pages/order"},
			Goods:    []payscore.PayOnDeliveryGoods{{Name: "苹果", Picture: "https://example.com/a.png", Amount: 1000, Count: 1, CategoryID: []string{"1"}}},
		},
	}
	wantPaths(t, "valid", ok.Validate())
	wantPaths(t, "empty", (&acquiringbank.CreatePayOnDeliveryOrderRequest{}).Validate(),
		"out_order_no", "appid", "service_id", "service_introduction")
	r := ok
	r.RiskFund = &payscore.RiskFund{Amount: 1}
	wantPaths(t, "risk_fund given needs a name", r.Validate(), "risk_fund.name")
	r = ok
	r.ShoppingInfo = &payscore.PayOnDeliveryShoppingInfo{
		JumpLink: &payscore.PayOnDeliveryJumpLink{JumpLinkType: "JUMP_LINK_H5"},
		Goods:    []payscore.PayOnDeliveryGoods{{Name: "苹果", Amount: -1, Count: -1}},
	}
	wantPaths(t, "shopping_info members", r.Validate(),
		"shopping_info.jump_link.jump_link_type", "shopping_info.goods[0].amount", "shopping_info.goods[0].count")
}
