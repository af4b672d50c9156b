package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// The merchant (普通商户) and partner (服务商) service orders: the same
// OrderBook as the acquiring bank, reached through each mode's own endpoints
// (spec/merchant, spec/partner). What differs is taken from the spec: the
// success status (merchant cancel/modify/complete/pay/sync answer 200 with
// the order, partner 204), the members of each response, and the
// notification callback of the order's mode.

// modePackages are the spec packages served by modeHandlers.
var modePackages = map[string]bool{"merchant": true, "partner": true}

// modeHandlers are the business handlers of the merchant and partner
// endpoints, by endpoint id (the same ids in both packages).
var modeHandlers = map[string]businessHandler{
	"create_service_order":   (*Simulator).modeCreate,
	"query_service_order":    (*Simulator).modeQuery,
	"cancel_service_order":   withOrderBody((*Simulator).cancelServiceOrder),
	"complete_service_order": withOrderBody((*Simulator).completeServiceOrder),
	"modify_service_order":   withOrderBody((*Simulator).modifyServiceOrder),
	"sync_service_order":     withOrderBody((*Simulator).syncServiceOrder),
	"collect_service_order":  (*Simulator).modeCollect,
	"send_prepaid_message":   (*Simulator).modeSendMessage,
	"send_pending_message":   (*Simulator).modeSendMessage,

	"apply_permissions":                 (*Simulator).applyPermissions,
	"query_authorization":               (*Simulator).queryAuthorization,
	"terminate_authorization":           (*Simulator).terminateAuthorization,
	"query_authorization_by_openid":     (*Simulator).queryAuthorizationByOpenID,
	"terminate_authorization_by_openid": (*Simulator).terminateAuthorizationByOpenID,
}

// modeCodes are the codes each mode handler answers besides PARAM_ERROR and
// SYSTEM_ERROR (checked against the spec at New).
var modeCodes = map[string][]string{
	"create_service_order":   {codeInvalidRequest},
	"query_service_order":    {codeOrderNotExist},
	"cancel_service_order":   orderCodes,
	"complete_service_order": orderCodes,
	"modify_service_order":   append([]string{codeInvalidRequest}, orderCodes...),
	"sync_service_order":     orderCodes,
	"collect_service_order":  orderCodes,
	"send_prepaid_message":   {codeOrderNotExist},
	"send_pending_message":   {codeOrderNotExist},

	"apply_permissions":                 {codeInvalidRequest},
	"query_authorization":               {codeOrderNotExist},
	"terminate_authorization":           {codeOrderNotExist, codeInvalidOrderState},
	"query_authorization_by_openid":     {codeOrderNotExist},
	"terminate_authorization_by_openid": {codeOrderNotExist, codeInvalidOrderState},
}

// handlerOf returns the business handler of an operation and the codes it
// answers. A merchant or partner endpoint never falls back to the
// acquiring-bank handler of the same id.
func handlerOf(op *operation) (businessHandler, []string, bool) {
	if op.ep.File != nil && modePackages[op.ep.File.Package] {
		h, ok := modeHandlers[op.ep.ID]
		return h, modeCodes[op.ep.ID], ok
	}
	h, ok := businessHandlers[op.ep.ID]
	return h, businessCodes[op.ep.ID], ok
}

// modeOf is the mode package of an operation, or "" for the acquiring bank
// (and any other package).
func modeOf(op *operation) string {
	if op.ep.File != nil && modePackages[op.ep.File.Package] {
		return op.ep.File.Package
	}
	return ""
}

// opName names an operation in Operations: the endpoint id, prefixed with
// the package for the merchant and partner modes, whose ids repeat the
// acquiring bank's.
func opName(op *operation) string {
	if op.ep.File != nil && modePackages[op.ep.File.Package] {
		return op.ep.File.Package + "." + op.ep.ID
	}
	return op.ep.ID
}

// findModeOrderCallbacks returns the order callback (USER_CONFIRM) of each
// merchant/partner package that declares one.
func findModeOrderCallbacks(prog *ir.Program) (map[string]*callbackSpec, error) {
	out := map[string]*callbackSpec{}
	for _, pkg := range prog.Packages {
		if !modePackages[pkg.Name] {
			continue
		}
		for _, icb := range pkg.Callbacks {
			if icb.Data == nil || !slices.ContainsFunc(icb.Spec.Events, func(e *spec.Event) bool { return e.Type == EventUserConfirm }) {
				continue
			}
			cs, err := newCallbackSpec(icb)
			if err != nil {
				return nil, err
			}
			out[pkg.Name] = cs
		}
	}
	return out, nil
}

// findModeAuthCallbacks returns the authorization callback
// (USER_OPEN_SERVICE) of each merchant/partner package that declares one.
func findModeAuthCallbacks(prog *ir.Program) (map[string]*callbackSpec, error) {
	out := map[string]*callbackSpec{}
	for _, pkg := range prog.Packages {
		if !modePackages[pkg.Name] {
			continue
		}
		for _, icb := range pkg.Callbacks {
			if icb.Data == nil || !slices.ContainsFunc(icb.Spec.Events, func(e *spec.Event) bool { return e.Type == EventUserOpenService }) {
				continue
			}
			cs, err := newCallbackSpec(icb)
			if err != nil {
				return nil, err
			}
			out[pkg.Name] = cs
		}
	}
	return out, nil
}

// authCallback is the callback that notifies about a: its mode's, or the
// acquiring bank's.
func (s *Simulator) authCallback(a *authorization) *callbackSpec {
	if cb := s.modeAuthCB[a.Mode]; cb != nil {
		return cb
	}
	return s.cb
}

// orderCallback is the callback that notifies about o: its mode's, or the
// acquiring bank's.
func (s *Simulator) orderCallback(o Order) *callbackSpec {
	if cb := s.modeOrderCB[o.Mode]; cb != nil {
		return cb
	}
	return s.orderCB
}

// encodeDeclared encodes v with only the top-level members rules declare and
// that have a value, then checks it: a merchant answer carries no empty
// sub_mchid, an acquiring-bank-only member never reaches a partner.
func encodeDeclared(what string, rules []*fieldRule, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	kept := map[string]json.RawMessage{}
	for _, r := range rules {
		raw, ok := all[r.field.Name]
		if !ok || string(raw) == `""` || string(raw) == "null" {
			continue
		}
		kept[r.field.Name] = raw
	}
	return encodeChecked(what, rules, kept)
}

// answerView answers an order with the members the endpoint's response
// declares.
func (s *Simulator) answerView(op *operation, v orderView) (int, []byte, *apiError) {
	b, err := encodeDeclared(op.ep.ID+" response", op.response, v)
	if err != nil {
		return 0, nil, s.docError(op, codeSystemError, "系统错误: the simulator built an invalid response: "+err.Error())
	}
	return http.StatusOK, b, nil
}

// checkAppID refuses a call whose appid differs from the order's: the
// merchant pages require the appid of create on the later calls. The
// documented answer for a call that names no order of this merchant is
// ORDER_NOT_EXIST.
func (s *Simulator) checkAppID(c *call, o Order) *apiError {
	if appid := c.value("appid"); appid != "" && appid != o.AppID {
		return s.docError(c.op, codeOrderNotExist, "订单不存在: the order was created with another appid")
	}
	return nil
}

func (s *Simulator) modeCreate(c *call) (int, []byte, *apiError) {
	var req OrderCreate
	if e := s.decodeBody(c, &req); e != nil {
		return 0, nil, e
	}
	req.Mode = c.op.ep.File.Package
	o, _, oerr := s.orders.Create(c.mchID, req, s.cfg.clock.Now())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	v := viewOf(o)
	v.OpenID, v.SubOpenID = "", ""
	v.Package = o.Package
	return s.answerView(c.op, v)
}

func (s *Simulator) modeQuery(c *call) (int, []byte, *apiError) {
	ref := c.orderRef()
	o, oerr := s.orders.Query(ref, c.value("query_id"))
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	if e := s.checkAppID(c, o); e != nil {
		return 0, nil, e
	}
	return s.answerView(c.op, viewOf(o))
}

// withOrderBody runs the acquiring-bank handler of a step on the same order
// book, after the merchant's appid check, and answers the order where the
// mode's page documents a body (success_status 200).
func withOrderBody(step businessHandler) businessHandler {
	return func(s *Simulator, c *call) (int, []byte, *apiError) {
		if o, ok := s.orders.Get(c.mchID, c.value("out_order_no")); ok {
			if e := s.checkAppID(c, o); e != nil {
				return 0, nil, e
			}
		}
		status, body, e := step(s, c)
		if e != nil || c.op.ep.SuccessStatus != http.StatusOK {
			return status, body, e
		}
		o, ok := s.orders.Get(c.mchID, c.value("out_order_no"))
		if !ok {
			return 0, nil, s.docError(c.op, codeSystemError, "系统错误: the order vanished")
		}
		return s.answerView(c.op, viewOf(o))
	}
}

// modeCollect is 商户发起催收扣款: the simulator collects the waiting amount
// at once through the Pay Score channel (paid_type NEWTON) and notifies
// USER_PAID, as if the deduction the merchant asked for succeeded. (The page
// does not say how long a real collection takes.)
func (s *Simulator) modeCollect(c *call) (int, []byte, *apiError) {
	o, ok := s.orders.Get(c.mchID, c.value("out_order_no"))
	if !ok || (c.value("service_id") != "" && c.value("service_id") != o.ServiceID) || c.value("sub_mchid") != o.SubMchID {
		return 0, nil, s.docError(c.op, codeOrderNotExist, fmt.Sprintf("订单不存在: no order %q", c.value("out_order_no")))
	}
	if e := s.checkAppID(c, o); e != nil {
		return 0, nil, e
	}
	txn := "4200" + time.Now().Format("20060102") + fmt.Sprintf("%016d", s.nextTxn())
	paid, oerr := s.orders.Pay(c.mchID, o.OutOrderNo, txn, s.cfg.clock.Now())
	if oerr != nil {
		return 0, nil, s.orderError(c.op, oerr)
	}
	s.changedOrders()
	if err := s.notifyOrder(paid, EventUserPaid); err != nil && err != errNoNotifyURL {
		return 0, nil, s.docError(c.op, codeSystemError, "系统错误: "+err.Error())
	}
	if c.op.ep.SuccessStatus != http.StatusOK {
		return http.StatusNoContent, nil, nil
	}
	return s.answerView(c.op, viewOf(paid))
}

// modeSendMessage is 下发服务预扣费消息 / 下发服务费用待处理消息: accepted for an
// order of this merchant (the simulator sends no message to a user).
func (s *Simulator) modeSendMessage(c *call) (int, []byte, *apiError) {
	o, ok := s.orders.Get(c.mchID, c.value("out_order_no"))
	if !ok || o.ServiceID != c.value("service_id") || o.SubMchID != c.value("sub_mchid") {
		return 0, nil, s.docError(c.op, codeOrderNotExist, fmt.Sprintf("订单不存在: no order %q", c.value("out_order_no")))
	}
	return http.StatusNoContent, nil, nil
}

// findByOpenIDLocked finds the authorization a by-openid call names: this
// merchant's, of this mode, service_id and sub_mchid, whose user is the
// call's openid (or sub_openid); the latest authorized one when the user
// authorized several codes. Call with s.mu held.
func (s *Simulator) findByOpenIDLocked(c *call) (*authorization, *apiError) {
	mode := modeOf(c.op)
	openid, subOpenID := c.value("openid"), c.value("sub_openid")
	var found *authorization
	for k, a := range s.auths {
		if k.mchID != c.mchID || a.Mode != mode || a.ServiceID != c.value("service_id") || a.SubMchID != c.value("sub_mchid") {
			continue
		}
		if (openid == "" || a.OpenID != openid) && (subOpenID == "" || a.SubOpenID != subOpenID) {
			continue
		}
		if found == nil || a.SuccessTime.After(found.SuccessTime) {
			found = a
		}
	}
	if found == nil {
		// The pages do not say what a user who never authorized gets; the
		// simulator answers the documented "not found" code.
		return nil, s.docError(c.op, codeOrderNotExist, "订单不存在: no authorization of this user for this mchid, service_id and sub_mchid")
	}
	return found, nil
}

func (s *Simulator) queryAuthorizationByOpenID(c *call) (int, []byte, *apiError) {
	s.mu.Lock()
	a, aerr := s.findByOpenIDLocked(c)
	var snap Authorization
	if a != nil {
		snap = a.Authorization
	}
	s.mu.Unlock()
	if aerr != nil {
		return 0, nil, aerr
	}
	return s.encodeResponse(c.op, map[string]string{
		"service_id":                 snap.ServiceID,
		"appid":                      snap.AppID,
		"mchid":                      snap.MchID,
		"sub_mchid":                  snap.SubMchID,
		"sub_appid":                  snap.SubAppID,
		"openid":                     snap.OpenID,
		"sub_openid":                 snap.SubOpenID,
		"authorization_code":         snap.AuthorizationCode,
		"authorization_state":        snap.State,
		"notify_url":                 snap.NotifyURL,
		"authorization_success_time": rfc3339(snap.SuccessTime),
		"cancel_authorization_time":  rfc3339(snap.CancelTime),
	})
}

func (s *Simulator) terminateAuthorizationByOpenID(c *call) (int, []byte, *apiError) {
	s.mu.Lock()
	a, aerr := s.findByOpenIDLocked(c)
	if aerr != nil {
		s.mu.Unlock()
		return 0, nil, aerr
	}
	if a.State != StateAvailable {
		st := a.State
		s.mu.Unlock()
		return 0, nil, s.docError(c.op, codeInvalidOrderState, "单据状态错误: the authorization is "+st+", not AVAILABLE")
	}
	a.TerminateReason = c.value("reason")
	if _, err := s.endLocked(a); err != nil {
		s.mu.Unlock()
		return 0, nil, s.docError(c.op, codeSystemError, "系统错误: "+err.Error())
	}
	s.mu.Unlock()
	s.goRunDue()
	return http.StatusNoContent, nil, nil
}
