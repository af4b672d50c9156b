package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/validate"
	"github.com/payscoregen/payscoregen/runtime/wxtime"
)

// authorization_state values (spec: query_authorization response).
const (
	// StateUnbindUser: applied for, no user bound yet.
	StateUnbindUser = "UNBINDUSER"
	// StateAvailable: the user authorized the service.
	StateAvailable = "AVAILABLE"
	// StateUnavailable: the authorization ended (the user revoked it, or the
	// merchant terminated it).
	StateUnavailable = "UNAVAILABLE"
)

// Errors of the control API; match them with errors.Is.
var (
	ErrNotFound         = errors.New("sim: no such token, authorization or notification")
	ErrAmbiguous        = errors.New("sim: authorization_code is used by several merchants: use MCHID:CODE")
	ErrTokenExpired     = errors.New("sim: apply_permissions_token expired")
	ErrTokenUsed        = errors.New("sim: apply_permissions_token already used or superseded")
	ErrInvalidState     = errors.New("sim: not possible in the authorization's state")
	ErrInvalidInput     = errors.New("sim: invalid input")
	ErrClosed           = errors.New("sim: simulator closed")
	ErrDeliveryBusy     = errors.New("sim: a delivery of this notification is in progress")
	errUnknownOperation = errors.New("unknown operation")
)

type authKey struct{ mchID, code string }

// authorization is the state of one authorization_code of one merchant.
type authorization struct {
	Authorization
	token *token // latest token
}

type token struct {
	value   string
	auth    *authorization
	expires time.Time
	used    bool
}

// Authorization is a snapshot of one authorization (one authorization_code
// of one merchant).
type Authorization struct {
	MchID             string `json:"mchid"`
	AuthorizationCode string `json:"authorization_code"`
	ServiceID         string `json:"service_id"`
	ChannelID         string `json:"channel_id"`
	AppID             string `json:"appid"`
	SubAppID          string `json:"sub_appid"`
	SubMchID          string `json:"sub_mchid"`
	NotifyURL         string `json:"notify_url"`
	// State is StateUnbindUser, StateAvailable or StateUnavailable.
	State string `json:"authorization_state"`
	// OpenID is the user under appid, SubOpenID under sub_appid (the one the
	// notifications carry, since sub_appid is always given).
	OpenID    string `json:"openid,omitempty"`
	SubOpenID string `json:"sub_openid,omitempty"`
	UserLabel string `json:"user_label,omitempty"`
	// Token is the latest apply_permissions_token and when it expires.
	Token        string    `json:"apply_permissions_token"`
	TokenExpires time.Time `json:"token_expires"`
	// SuccessTime and CancelTime are the last authorization and its end.
	SuccessTime     time.Time `json:"authorization_success_time,omitzero"`
	CancelTime      time.Time `json:"cancel_authorization_time,omitzero"`
	TerminateReason string    `json:"terminate_reason,omitempty"`
	// Mode is merchant or partner for those modes' authorizations, empty
	// for the acquiring bank's: it picks the notification's callback.
	Mode string `json:"mode,omitempty"`
}

func (s *Simulator) applyPermissions(c *call) (int, []byte, *apiError) {
	now := s.cfg.clock.Now()
	want := Authorization{
		MchID:             c.mchID,
		AuthorizationCode: c.value("authorization_code"),
		ServiceID:         c.value("service_id"),
		ChannelID:         c.value("channel_id"),
		AppID:             c.value("appid"),
		SubAppID:          c.value("sub_appid"),
		SubMchID:          c.value("sub_mchid"),
		NotifyURL:         c.value("notify_url"),
		Mode:              modeOf(c.op),
	}
	s.mu.Lock()
	key := authKey{c.mchID, want.AuthorizationCode}
	a := s.auths[key]
	if a == nil {
		want.State = StateUnbindUser
		a = &authorization{Authorization: want}
		s.auths[key] = a
	} else if diff := differing(a.Authorization, want); diff != "" {
		s.mu.Unlock()
		return 0, nil, s.docError(c.op, codeInvalidRequest, fmt.Sprintf(
			"请求参数符合参数格式,但不符合业务规则: authorization_code was applied for with a different %s", diff))
	}
	t := &token{value: newToken(), auth: a, expires: now.Add(TokenTTL)}
	s.tokens[t.value] = t
	a.token = t
	a.Token, a.TokenExpires = t.value, t.expires
	s.notifyChangedLocked()
	s.mu.Unlock()
	return s.encodeResponse(c.op, map[string]string{"apply_permissions_token": t.value})
}

// differing names the first member that differs between two applications
// for the same authorization_code.
func differing(have, want Authorization) string {
	for _, p := range [][3]string{
		{"service_id", have.ServiceID, want.ServiceID},
		{"channel_id", have.ChannelID, want.ChannelID},
		{"appid", have.AppID, want.AppID},
		{"sub_appid", have.SubAppID, want.SubAppID},
		{"sub_mchid", have.SubMchID, want.SubMchID},
		{"notify_url", have.NotifyURL, want.NotifyURL},
	} {
		if p[1] != p[2] {
			return p[0]
		}
	}
	return ""
}

func newToken() string {
	return "sim_apt_" + notifytest.RandomString(56)
}

// lookupCall finds the authorization a query or terminate call names: same
// merchant and authorization_code, and the same service_id, channel_id and
// sub_mchid as applied for. Call with s.mu held.
func (s *Simulator) lookupCallLocked(c *call) (*authorization, *apiError) {
	a := s.auths[authKey{c.mchID, c.value("authorization_code")}]
	if a == nil || a.ServiceID != c.value("service_id") || a.ChannelID != c.value("channel_id") || a.SubMchID != c.value("sub_mchid") {
		return nil, s.docError(c.op, codeOrderNotExist,
			"订单不存在: no authorization with this authorization_code for this mchid, service_id, channel_id and sub_mchid")
	}
	return a, nil
}

func (s *Simulator) queryAuthorization(c *call) (int, []byte, *apiError) {
	s.mu.Lock()
	a, aerr := s.lookupCallLocked(c)
	var snap Authorization
	if a != nil {
		snap = a.Authorization
	}
	s.mu.Unlock()
	if aerr != nil {
		return 0, nil, aerr
	}
	v := map[string]string{
		"service_id":                 snap.ServiceID,
		"appid":                      snap.AppID,
		"mchid":                      snap.MchID,
		"authorization_code":         snap.AuthorizationCode,
		"authorization_state":        snap.State,
		"notify_url":                 snap.NotifyURL,
		"sub_mchid":                  snap.SubMchID,
		"sub_appid":                  snap.SubAppID,
		"channel_id":                 snap.ChannelID,
		"openid":                     snap.OpenID,
		"sub_openid":                 snap.SubOpenID,
		"authorization_success_time": rfc3339(snap.SuccessTime),
		"cancel_authorization_time":  rfc3339(snap.CancelTime),
	}
	if snap.State == StateAvailable {
		v["user_label"] = snap.UserLabel // 仅授权成功时返回
	}
	return s.encodeResponse(c.op, v)
}

func (s *Simulator) terminateAuthorization(c *call) (int, []byte, *apiError) {
	s.mu.Lock()
	a, aerr := s.lookupCallLocked(c)
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
	s.goRunDue() // WeChat notifies after answering
	return http.StatusNoContent, nil, nil
}

// encodeResponse encodes a 200 answer in the spec's member order, checked
// against the spec's response rules.
func (s *Simulator) encodeResponse(op *operation, values map[string]string) (int, []byte, *apiError) {
	body, err := encodeStrings(op.ep.ID+" response", op.response, values)
	if err != nil {
		return 0, nil, s.docError(op, codeSystemError, "系统错误: the simulator built an invalid response: "+err.Error())
	}
	return op.ep.SuccessStatus, body, nil
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(wxtime.China).Format(time.RFC3339)
}

// UserOption configures the simulated user of Authorize.
type UserOption func(*user)

type user struct {
	label    string
	appOpen  string
	labelSet bool
}

// WithUserLabel sets the user_label the query returns while the
// authorization is AVAILABLE: "A", "B" or "C" (default "A"), or "" for none
// (the doc says it is not guaranteed).
func WithUserLabel(label string) UserOption {
	return func(u *user) { u.label, u.labelSet = label, true }
}

// WithAppOpenID sets the user's openid under appid, returned by the query.
// By default it is derived from the openid given to Authorize.
func WithAppOpenID(openid string) UserOption {
	return func(u *user) { u.appOpen = openid }
}

// Authorize plays the user who opens the authorization jump and agrees. ref
// is the apply_permissions_token of the jump, or the authorization_code
// (MCHID:CODE when several merchants use the code), in which case the
// latest token is used. The token must not be expired (TokenTTL on the
// simulator's clock), used or superseded by a later application.
//
// openid is the user's openid under sub_appid: the sub_openid of the
// notification and of the query. The authorization becomes AVAILABLE and
// PAYSCORE.USER_OPEN_SERVICE is sent to the notify_url; Authorize returns
// after that first delivery attempt (see Deliveries for its outcome).
func (s *Simulator) Authorize(ref, openid string, opts ...UserOption) (Authorization, error) {
	u := user{label: "A"}
	for _, o := range opts {
		o(&u)
	}
	if err := s.checkUser(openid, u); err != nil {
		return Authorization{}, err
	}
	now := s.cfg.clock.Now()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Authorization{}, ErrClosed
	}
	a, t, err := s.resolveLocked(ref)
	if err != nil {
		s.mu.Unlock()
		return Authorization{}, err
	}
	switch {
	case t == nil:
		err = fmt.Errorf("%w: no token was issued", ErrTokenUsed)
	case t.used || t != a.token:
		err = ErrTokenUsed
	case !now.Before(t.expires):
		err = fmt.Errorf("%w at %s (now %s)", ErrTokenExpired, rfc3339(t.expires), rfc3339(now))
	case a.State == StateAvailable:
		err = fmt.Errorf("%w: already AVAILABLE", ErrInvalidState)
	}
	if err != nil {
		s.mu.Unlock()
		return Authorization{}, err
	}
	t.used = true
	a.State = StateAvailable
	a.SubOpenID = openid
	a.OpenID = u.appOpen
	if a.OpenID == "" {
		a.OpenID = deriveOpenID(a.AppID, openid)
	}
	if a.Mode != "" && a.SubAppID == "" {
		// A merchant (or a partner without sub_appid) knows the user by
		// openid under appid only.
		a.OpenID, a.SubOpenID = openid, ""
	}
	a.UserLabel = u.label
	a.SuccessTime = now
	a.TerminateReason = ""
	if _, err := s.newNotificationLocked(a, EventUserOpenService, now); err != nil {
		s.mu.Unlock()
		return Authorization{}, err
	}
	snap := a.Authorization
	s.mu.Unlock()
	s.runDue()
	return snap, nil
}

// Revoke plays the user who ends the authorization in WeChat: the
// authorization becomes UNAVAILABLE and PAYSCORE.USER_CLOSE_SERVICE is sent.
// ref is an authorization_code (or MCHID:CODE) or a token. Revoke returns
// after the first delivery attempt.
func (s *Simulator) Revoke(ref string) (Authorization, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return Authorization{}, ErrClosed
	}
	a, _, err := s.resolveLocked(ref)
	if err == nil && a.State != StateAvailable {
		err = fmt.Errorf("%w: the authorization is %s, not AVAILABLE", ErrInvalidState, a.State)
	}
	if err == nil {
		_, err = s.endLocked(a)
	}
	if err != nil {
		s.mu.Unlock()
		return Authorization{}, err
	}
	snap := a.Authorization
	s.mu.Unlock()
	s.runDue()
	return snap, nil
}

// endLocked ends an AVAILABLE authorization and queues USER_CLOSE_SERVICE.
func (s *Simulator) endLocked(a *authorization) (*notification, error) {
	now := s.cfg.clock.Now()
	a.State = StateUnavailable
	a.CancelTime = now
	return s.newNotificationLocked(a, EventUserCloseService, now)
}

// resolveLocked finds an authorization by token, CODE or MCHID:CODE.
func (s *Simulator) resolveLocked(ref string) (*authorization, *token, error) {
	if t := s.tokens[ref]; t != nil {
		return t.auth, t, nil
	}
	mchID, code, hasMch := strings.Cut(ref, ":")
	if !hasMch {
		code = ref
	}
	var found *authorization
	for k, a := range s.auths {
		if k.code == code && (!hasMch || k.mchID == mchID) {
			if found != nil {
				return nil, nil, ErrAmbiguous
			}
			found = a
		}
	}
	if found == nil {
		return nil, nil, fmt.Errorf("%w: %q", ErrNotFound, ref)
	}
	return found, found.token, nil
}

// checkUser checks the simulated user's values against the spec's rules for
// sub_openid (plaintext) and user_label (query response).
func (s *Simulator) checkUser(openid string, u user) error {
	var c validate.Collector
	if r := ruleNamed(s.cb.plaintext, "sub_openid"); r != nil {
		rule := *r.str
		rule.Required = true
		c.String("openid", openid, &rule)
	}
	if u.label != "" {
		for _, op := range s.ops {
			if r := ruleNamed(op.response, "user_label"); r != nil {
				c.String("user_label", u.label, r.str)
				break
			}
		}
	}
	if u.appOpen != "" {
		if r := ruleNamed(s.cb.plaintext, "openid"); r != nil {
			c.String("app_openid", u.appOpen, r.str)
		}
	}
	if err := c.Err("sim user"); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidInput, err)
	}
	return nil
}

func ruleNamed(rules []*fieldRule, name string) *fieldRule {
	for _, r := range rules {
		if r.field.Name == name && r.str != nil {
			return r
		}
	}
	return nil
}

// deriveOpenID makes a stable openid for the same user under appid: 28
// characters like real openids.
func deriveOpenID(appID, subOpenID string) string {
	sum := sha256.Sum256([]byte(appID + "\x00" + subOpenID))
	return "o" + base64.RawURLEncoding.EncodeToString(sum[:])[:27]
}

// Authorizations returns a snapshot of every authorization, ordered by mchid
// and authorization_code.
func (s *Simulator) Authorizations() []Authorization {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Authorization, 0, len(s.auths))
	for _, a := range s.auths {
		out = append(out, a.Authorization)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MchID != out[j].MchID {
			return out[i].MchID < out[j].MchID
		}
		return out[i].AuthorizationCode < out[j].AuthorizationCode
	})
	return out
}

// Lookup returns the authorization of a token, CODE or MCHID:CODE.
func (s *Simulator) Lookup(ref string) (Authorization, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, _, err := s.resolveLocked(ref)
	if err != nil {
		return Authorization{}, err
	}
	return a.Authorization, nil
}
