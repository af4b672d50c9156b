package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/sim"
)

// The merchant creates an order; the user confirms it in the console (the
// merchant receives USER_CONFIRM); the merchant completes it; the user pays
// in the console (USER_PAID); the order is DONE.
func TestOrderFlowInConsole(t *testing.T) {
	t.Parallel()
	needBrowser(t)
	w := newWorld(t)
	const no = "ORDER-CONSOLE-1"
	created, _, err := w.client.CreateServiceOrder(t.Context(), &acquiringbank.CreateServiceOrderRequest{
		ServiceID: serviceID, AppID: "wxd678efh567hg6787", SubMchID: subMchID, SubAppID: "wxd678efh567hg6786",
		ChannelID: channelID, OutOrderNo: no, ServiceIntroduction: "某某酒店",
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000, Count: 1}},
		RiskFund:     payscore.RiskFund{Name: payscore.RiskFundNameEstimateOrderCost, Amount: 50000},
		TimeRange:    payscore.TimeRange{StartTime: "OnAccept"},
		OpenID:       "oOrderUser_000000000000001",
		NotifyURL:    w.merchant.srv.URL + "/payscore/order-notify",
	})
	if err != nil || created.State != acquiringbank.StateCreated || created.Package == "" {
		t.Fatalf("create: %+v, %v", created, err)
	}

	b := openTab(t, w.sim.URL())
	art := "#order-" + no
	b.open("/console/orders")
	b.waitText(art, "CREATED", "某某酒店", "¥500.00", "住宿费 ¥400.00", "created by the merchant")
	b.submit("confirm-" + no)
	b.waitText("#flash", no+" confirmed by the user (DOING/USER_CONFIRM)", `{"query_id":`,
		"PAYSCORE.USER_CONFIRM delivered: the merchant answered 204")
	b.waitText(art, "DOING", "USER_CONFIRM", "referrerInfo", "PAYSCORE.USER_CONFIRM notified (delivered)")

	evs := w.merchant.orderEvents()
	if len(evs) != 1 || evs[0].EventType != sim.EventUserConfirm || evs[0].OutOrderNo != no ||
		evs[0].State != sim.OrderDoing || evs[0].Description != sim.DescUserConfirm {
		t.Fatalf("order notifications the merchant received: %+v", evs)
	}
	queryID := b.text(art + ` [data-field="query_id"] code`)
	if !strings.Contains(queryID, "query_id") {
		t.Fatalf("the page shows no query_id return: %q", queryID)
	}

	// The merchant completes the order; the open page follows by itself.
	b.waitJS(`document.getElementById('live-status').dataset.state === 'live'`, "the live connection")
	w.clock.Advance(2 * time.Hour)
	if _, err := w.client.CompleteServiceOrder(t.Context(), &acquiringbank.CompleteServiceOrderRequest{
		OutOrderNo: no, ServiceID: serviceID, SubMchID: subMchID, ChannelID: channelID,
		PostPayments: []payscore.PostPayment{{Name: "住宿费", Amount: 40000}},
		TotalAmount:  40000,
	}); err != nil {
		t.Fatalf("complete: %v", err)
	}
	b.waitText(art, "MCH_COMPLETE", "USER_PAYING", "total_amount ¥400.00")

	b.submit("pay-" + no)
	b.waitText("#flash", no+" paid by the user (DONE)", "PAYSCORE.USER_PAID delivered: the merchant answered 204")
	b.waitText(art, "DONE", "USER_PAID", "paid ¥400.00 (paid_type NEWTON)", "PAYSCORE.USER_PAID notified (delivered)")
	evs = w.merchant.orderEvents()
	if len(evs) != 2 || evs[1].EventType != sim.EventUserPaid || evs[1].State != sim.OrderDone {
		t.Fatalf("order notifications the merchant received: %+v", evs)
	}
	q, _, err := w.client.QueryServiceOrder(t.Context(), &acquiringbank.QueryServiceOrderRequest{
		ServiceID: serviceID, SubMchID: subMchID, ChannelID: channelID, OutOrderNo: no})
	if err != nil || q.State != acquiringbank.StateDone || q.Collection == nil || q.Collection.PaidAmount != 40000 {
		t.Fatalf("query after payment: %+v, %v", q, err)
	}

	// The notifications page lists both, about the order.
	b.open("/console/deliveries")
	b.waitText("[data-event='PAYSCORE.USER_PAID']", "order "+no, "delivered", "204")
	b.waitText("[data-event='PAYSCORE.USER_CONFIRM']", "order "+no, "delivered", "204")
}
