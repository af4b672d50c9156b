package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// Placement of every service-order call: method, path (escaped), query, body
// members and the 204 answers, against the loopback server that verifies the
// merchant signature and signs its answers.

func jsonEqual(t *testing.T, name string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: body %q: %v", name, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: want: %v", name, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: body\n got %s\nwant %s", name, got, want)
	}
}

func wantSeen(t *testing.T, f *fakeWeChat, name, method, rawPath, query string) exchange {
	t.Helper()
	ex := f.seen()
	if ex.Method != method || ex.RawPath != rawPath {
		t.Errorf("%s: %s %s, want %s %s", name, ex.Method, ex.RawPath, method, rawPath)
	}
	if query != "" || ex.Query != "" {
		got, _ := url.ParseQuery(ex.Query)
		want, _ := url.ParseQuery(query)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: query %q, want %q", name, ex.Query, query)
		}
	}
	return ex
}

const orderPath = "/v3/payscore/acquiringbank/serviceorder"

func TestCreateServiceOrderPlacement(t *testing.T) {
	f := newFake(t)
	client := newClient(t, f)
	f.answer(http.StatusOK, `{"out_order_no":"NO1","service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109",
		"sub_mchid":"1900000109","channel_id":"1230000109","service_introduction":"某某酒店","state":"CREATED",
		"post_payments":[{"name":"就餐费用","amount":40000}],"risk_fund":{"name":"ESTIMATE_ORDER_COST","amount":10000},
		"time_range":{"start_time":"OnAccept"},"location":{"end_location":"嗨客"},"order_id":"15646546545165651651","package":"DJIOSQPYWDxsjdldeu"}`)
	req := &acquiringbank.CreateServiceOrderRequest{
		ServiceID: "500001", AppID: "wxd678efh567hg6787", SubMchID: "1900000109", ChannelID: "1230000109",
		OutOrderNo: "NO1", ServiceIntroduction: "某某酒店",
		PostPayments:  []payscore.PostPayment{{Name: "就餐费用", Amount: 40000, Count: 4}},
		PostDiscounts: []payscore.PostDiscount{{Name: "满20减1元", Description: "不与其他优惠叠加"}},
		RiskFund:      payscore.RiskFund{Name: payscore.RiskFundNameEstimateOrderCost, Amount: 10000},
		TimeRange:     payscore.TimeRange{StartTime: "OnAccept"},
		NotifyURL:     "https://merchant.example/payscore/orders",
	}
	resp, _, err := client.CreateServiceOrder(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	ex := wantSeen(t, f, "create", "POST", orderPath, "")
	jsonEqual(t, "create", ex.Body, `{"service_id":"500001","appid":"wxd678efh567hg6787","sub_mchid":"1900000109",
		"channel_id":"1230000109","out_order_no":"NO1","service_introduction":"某某酒店",
		"post_payments":[{"name":"就餐费用","amount":40000,"count":4}],
		"post_discounts":[{"name":"满20减1元","description":"不与其他优惠叠加"}],
		"risk_fund":{"name":"ESTIMATE_ORDER_COST","amount":10000},"time_range":{"start_time":"OnAccept"},
		"notify_url":"https://merchant.example/payscore/orders"}`)
	if resp.State != acquiringbank.StateCreated || resp.Package != "DJIOSQPYWDxsjdldeu" || resp.OrderID != "15646546545165651651" ||
		len(resp.PostPayments) != 1 || resp.PostPayments[0].Amount != 40000 || resp.RiskFund.Name != payscore.RiskFundNameEstimateOrderCost ||
		resp.Location == nil || resp.Location.EndLocation != "嗨客" {
		t.Errorf("create response %+v", resp)
	}

	// An invalid request never leaves the process.
	calls := f.calls.Load()
	req.PostPayments[0].Name = ""
	if _, _, err := client.CreateServiceOrder(context.Background(), req); err == nil {
		t.Fatal("create without post_payments[0].name was sent")
	}
	if f.calls.Load() != calls {
		t.Error("an invalid create reached the server")
	}
}

func TestQueryServiceOrderPlacement(t *testing.T) {
	f := newFake(t)
	client := newClient(t, f)
	f.answer(http.StatusOK, `{"out_order_no":"NO1","service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109",
		"sub_mchid":"1900000109","channel_id":"1230000109","service_introduction":"某某酒店","state":"DONE",
		"risk_fund":{"name":"ESTIMATE_ORDER_COST","amount":10000},"time_range":{"start_time":"20091225091010"},
		"notify_url":"https://merchant.example/n","order_id":"15646546545165651651","total_amount":3900,"need_collection":true,
		"collection":{"state":"USER_PAID","total_amount":3900,"paying_amount":0,"paid_amount":3900,
		  "details":[{"seq":1,"amount":3900,"paid_type":"NEWTON","paid_time":"20091225091210","transaction_id":"4200000288201909237003262215",
		    "promotion_detail":[{"coupon_id":"109519","amount":100,"scope":"SINGLE","type":"CASH","goods_detail":[{"goods_id":"123","quantity":1}]}]}]}}`)
	resp, _, err := client.QueryServiceOrder(context.Background(), &acquiringbank.QueryServiceOrderRequest{
		ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109", QueryID: "Q/1+2 3"})
	if err != nil {
		t.Fatal(err)
	}
	ex := wantSeen(t, f, "query", "GET", orderPath, "service_id=500001&sub_mchid=1900000109&channel_id=1230000109&query_id=Q%2F1%2B2+3")
	if len(ex.Body) != 0 {
		t.Errorf("GET with a body: %q", ex.Body)
	}
	c := resp.Collection
	if resp.State != acquiringbank.StateDone || resp.TotalAmount != 3900 || c == nil || c.State != payscore.CollectionStateUserPaid || c.PaidAmount != 3900 ||
		len(c.Details) != 1 || c.Details[0].PaidType != payscore.PaidTypeNewton || c.Details[0].Amount != 3900 ||
		len(c.Details[0].PromotionDetail) != 1 || c.Details[0].PromotionDetail[0].CouponID != "109519" ||
		len(c.Details[0].PromotionDetail[0].GoodsDetail) != 1 {
		t.Errorf("query response %+v / %+v", resp, c)
	}

	// Neither key: refused before sending.
	calls := f.calls.Load()
	if _, _, err := client.QueryServiceOrder(context.Background(), &acquiringbank.QueryServiceOrderRequest{
		ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109"}); err == nil || f.calls.Load() != calls {
		t.Errorf("query without out_order_no and query_id: err %v, sent %v", err, f.calls.Load() != calls)
	}
	// An answered ORDER_NOT_EXIST is the shared sentinel.
	f.answer(http.StatusNotFound, `{"code":"ORDER_NOT_EXIST","message":"订单不存在"}`)
	_, _, err = client.QueryServiceOrder(context.Background(), &acquiringbank.QueryServiceOrderRequest{
		ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109", OutOrderNo: "NO1"})
	if !errors.Is(err, payscore.ErrOrderNotExist) {
		t.Errorf("404 ORDER_NOT_EXIST: %v", err)
	}
}

func TestNoContentOrderCalls(t *testing.T) {
	f := newFake(t)
	client := newClient(t, f)
	paid, _ := wxtime.ParseChinaTime("20091225091210")
	ctx := context.Background()
	for _, tc := range []struct {
		name, path, body string
		call             func() error
	}{
		{"cancel", orderPath + "/A%7CB%2AC-1_2/cancel",
			`{"service_id":"500001","channel_id":"1230000109","sub_mchid":"1900000109","reason":"用户投诉"}`,
			func() error {
				_, err := client.CancelServiceOrder(ctx, &acquiringbank.CancelServiceOrderRequest{
					OutOrderNo: "A|B*C-1_2", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000109", Reason: "用户投诉"})
				return err
			}},
		{"complete", orderPath + "/NO1/complete",
			`{"service_id":"500001","sub_mchid":"1900000109","post_payments":[{"name":"就餐费用","amount":4000}],
			  "post_discounts":[{"name":"满20减1元","description":"不与其他优惠叠加","amount":100}],"total_amount":3900,
			  "time_range":{"start_time":"20091225091010","end_time":"20091225121010"},"profit_sharing":true}`,
			func() error {
				_, err := client.CompleteServiceOrder(ctx, &acquiringbank.CompleteServiceOrderRequest{
					OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109",
					PostPayments:  []payscore.PostPayment{{Name: "就餐费用", Amount: 4000}},
					PostDiscounts: []payscore.PostDiscount{{Name: "满20减1元", Description: "不与其他优惠叠加", Amount: 100}},
					TotalAmount:   3900, ProfitSharing: true,
					TimeRange: &payscore.TimeRange{StartTime: "20091225091010", EndTime: "20091225121010"}})
				return err
			}},
		{"modify", orderPath + "/NO1/modify",
			`{"service_id":"500001","sub_mchid":"1900000109","total_amount":3000,"reason":"服务补偿"}`,
			func() error {
				_, err := client.ModifyServiceOrder(ctx, &acquiringbank.ModifyServiceOrderRequest{
					OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109", TotalAmount: 3000, Reason: "服务补偿"})
				return err
			}},
		{"sync", orderPath + "/NO1/sync",
			`{"service_id":"500001","sub_mchid":"1900000109","channel_id":"1230000109","type":"Order_Paid","detail":{"paid_time":"20091225091210"}}`,
			func() error {
				_, err := client.SyncServiceOrder(ctx, &acquiringbank.SyncServiceOrderRequest{
					OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109",
					Type: acquiringbank.SyncTypeOrderPaid, Detail: acquiringbank.SyncServiceOrderRequestDetail{PaidTime: paid}})
				return err
			}},
	} {
		f.answer(http.StatusNoContent, "")
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		ex := wantSeen(t, f, tc.name, "POST", tc.path, "")
		jsonEqual(t, tc.name, ex.Body, tc.body)
		// The same call answered with a documented error.
		f.answer(http.StatusBadRequest, `{"code":"ORDER_DONE","message":"订单已完成"}`)
		if err := tc.call(); !errors.Is(err, payscore.ErrOrderDone) || errors.Is(err, payscore.ErrOrderCanceled) {
			t.Errorf("%s answered ORDER_DONE: %v", tc.name, err)
		}
	}
}

func TestDeductionPlacement(t *testing.T) {
	f := newFake(t)
	client := newClient(t, f)
	ctx := context.Background()
	f.answer(http.StatusOK, `{"description":"某某酒店-住宿费"}`)
	reg, _, err := client.RegisterDeductInfo(ctx, &acquiringbank.RegisterDeductInfoRequest{
		OutOrderNo: "NO1", ServiceID: "500001", SubMchID: "1900000109", ChannelID: "1230000109", OutTradeNo: "T1"})
	if err != nil || reg.Description != "某某酒店-住宿费" {
		t.Fatalf("register: %+v %v", reg, err)
	}
	ex := wantSeen(t, f, "register", "POST", orderPath+"/NO1/registerdeductinfo", "")
	jsonEqual(t, "register", ex.Body, `{"service_id":"500001","sub_mchid":"1900000109","channel_id":"1230000109","out_trade_no":"T1"}`)

	f.answer(http.StatusOK, `{"description":"某某酒店-住宿费","out_trade_no":"T1"}`)
	d, _, err := client.QueryDeduction(ctx, &acquiringbank.QueryDeductionRequest{
		ServiceID: "500001", AppID: "wxd678efh567hg6787", SubMchID: "1900000109", ChannelID: "1230000109", OutOrderNo: "NO1"})
	if err != nil || d.OutTradeNo != "T1" {
		t.Fatalf("deduction: %+v %v", d, err)
	}
	wantSeen(t, f, "deduction", "GET", orderPath+"/deduction",
		"service_id=500001&appid=wxd678efh567hg6787&sub_mchid=1900000109&channel_id=1230000109&out_order_no=NO1")
}

func TestPayOnDeliveryPlacement(t *testing.T) {
	f := newFake(t)
	client := newClient(t, f)
	f.answer(http.StatusOK, `{"out_order_no":"NO1","service_id":"500001","appid":"wxd678efh567hg6787","mchid":"1230000109",
		"sub_mchid":"1900000109","service_introduction":"某某超市","state":"CREATED","package":"P",
		"shopping_info":{"jump_link":{"jump_link_type":"JUMP_LINK_MINI_PROGRAM","appid":"wxd678efh567hg6787","path":"pages/o"},
		  "goods":[{"name":"苹果","picture":"https://example.com/a.png","amount":1000,"count":1,"category_id":["1"]}]}}`)
	resp, _, err := client.CreatePayOnDeliveryOrder(context.Background(), &acquiringbank.CreatePayOnDeliveryOrderRequest{
		OutOrderNo: "NO1", AppID: "wxd678efh567hg6787", ServiceID: "500001", ServiceIntroduction: "某某超市",
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		ShoppingInfo: &payscore.PayOnDeliveryShoppingInfo{Goods: []payscore.PayOnDeliveryGoods{{Name: "苹果", CategoryID: []string{"1", "2"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ex := wantSeen(t, f, "pay on delivery", "POST", "/v3/payscore/acquiringbank/servicepayondeliveryorder", "")
	jsonEqual(t, "pay on delivery", ex.Body, `{"out_order_no":"NO1","appid":"wxd678efh567hg6787","service_id":"500001",
		"service_introduction":"某某超市","time_range":{"start_time":"OnAccept"},
		"shopping_info":{"goods":[{"name":"苹果","category_id":["1","2"]}]}}`)
	if resp.ShoppingInfo == nil || len(resp.ShoppingInfo.Goods) != 1 || resp.ShoppingInfo.Goods[0].CategoryID[0] != "1" {
		t.Errorf("response %+v", resp)
	}
}
