package console

import (
	"time"
)

// Orders is what the orders page needs from the simulator's service-order
// state machine (创建订单 → CREATED → the user confirms → DOING → 完结订单 →
// DOING/MCH_COMPLETE → the user pays → DONE; cancel; expire). The console
// shows ServiceOrders and acts as the user through the other methods, which
// must be the code the control API runs.
type Orders interface {
	// ServiceOrders returns every order, oldest first.
	ServiceOrders() []Order
	// ConfirmOrder plays the user who confirms the order in the Pay Score
	// mini program (the confirm-order jump): CREATED becomes DOING
	// (USER_CONFIRM), PAYSCORE.USER_CONFIRM is notified. It returns the
	// order and the query_id the jump hands back to the merchant's mini
	// program.
	ConfirmOrder(ref string) (Order, string, error)
	// PayOrder plays the user who pays a completed order (DOING,
	// MCH_COMPLETE or USER_PAYING): DONE, PAYSCORE.USER_PAID is notified.
	PayOrder(ref string) (Order, error)
	// ExpireOrder lets a CREATED order expire as if its time had run out.
	ExpireOrder(ref string) (Order, error)
}

// Order is a snapshot of one service order.
type Order struct {
	// Ref names the order in the action methods (e.g. MCHID:OUT_ORDER_NO).
	Ref              string
	MchID            string
	OutOrderNo       string
	ServiceID        string
	AppID            string
	OpenID           string
	ServiceIntroduce string
	// State is CREATED, DOING, DONE, REVOKED or EXPIRED; StateDescription
	// USER_CONFIRM, MCH_COMPLETE, USER_PAYING or empty.
	State            string
	StateDescription string
	// TotalAmount is in fen, set once the order is completed.
	TotalAmount int64
	RiskFund    Amount
	// Package is what the confirm-order jump carries (from 创建订单).
	Package string
	// QueryID is the query_id the confirm-order jump returned, if any.
	QueryID    string
	NotifyURL  string
	Collection *Collection
	// History is every state change with its simulated time, oldest first.
	History []OrderEvent
}

// Amount is a named amount in fen (risk_fund, post_payments, ...).
type Amount struct {
	Name   string
	Amount int64
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
	Seq           int
	Amount        int64
	PaidType      string
	PaidTime      time.Time
	TransactionID string
}

// OrderEvent is one step of an order's history.
type OrderEvent struct {
	At    time.Time
	State string // the state after the step, e.g. DOING/USER_CONFIRM
	What  string // the step, e.g. "user confirmed (confirm-order jump)"
}

// Possible reports whether the user action can apply to the order now, so
// the page offers only the buttons that make sense.
func (o Order) Possible(action string) bool {
	switch action {
	case "confirm", "expire":
		return o.State == "CREATED"
	case "pay":
		return o.State == "DOING" && (o.StateDescription == "MCH_COMPLETE" || o.StateDescription == "USER_PAYING")
	}
	return false
}
