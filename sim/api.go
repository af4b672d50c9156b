package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/apiauth"
	"github.com/payscoregen/payscoregen/runtime/notify/notifytest"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// Codes the simulator answers that the spec does not document, because WeChat
// Pay answers them before any endpoint's own logic runs.
const (
	// CodeSignError is the 401 answer to a missing, malformed, stale,
	// reused or wrong merchant signature.
	CodeSignError = "SIGN_ERROR"
	// CodeNotFound is the 404 answer to a path the spec has no endpoint for.
	CodeNotFound = "NOT_FOUND"
	// CodeMethodNotAllowed is the 405 answer to a known path with another method.
	CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"
)

// Codes the business logic answers; New checks that the spec documents each
// for the endpoints that use it, with its status.
const (
	codeParamError        = "PARAM_ERROR"
	codeSystemError       = "SYSTEM_ERROR"
	codeInvalidRequest    = "INVALID_REQUEST"
	codeOrderNotExist     = "ORDER_NOT_EXIST"
	codeInvalidOrderState = "INVALID_ORDER_STATE"
)

// maxRequestBody bounds a request body; the largest documented request is a
// few hundred bytes.
const maxRequestBody = 1 << 20

// apiError is an error answer: {"code":..., "message":..., "detail":...}.
type apiError struct {
	status  int
	code    string
	message string
	detail  any
}

// call is one verified, validated API request.
type call struct {
	op     *operation
	mchID  string
	path   map[string]string
	query  map[string]string
	body   map[string]string // string members of the JSON body
	raw    []byte            // the JSON body as sent, for handlers that need its objects and arrays
	header http.Header
}

func (c *call) value(name string) string {
	if v, ok := c.path[name]; ok {
		return v
	}
	if v, ok := c.query[name]; ok {
		return v
	}
	return c.body[name]
}

// businessHandler answers a valid call: a status and body, or an error
// naming a code documented for the endpoint.
type businessHandler func(s *Simulator, c *call) (int, []byte, *apiError)

// businessCodes lists the codes each handler answers besides PARAM_ERROR and
// SYSTEM_ERROR, for the check at New.
var businessCodes = map[string][]string{
	"apply_permissions":       {codeInvalidRequest},
	"query_authorization":     {codeOrderNotExist},
	"terminate_authorization": {codeOrderNotExist, codeInvalidOrderState},
	"create_service_order":    {codeInvalidRequest},
	"query_service_order":     {codeOrderNotExist},
	"cancel_service_order":    orderCodes,
	"complete_service_order":  orderCodes,
	"modify_service_order":    append([]string{codeInvalidRequest}, orderCodes...),
	"sync_service_order":      orderCodes,
	"register_deduct_info":    orderCodes,
	"query_deduction":         {codeOrderNotExist, codeInvalidOrderState},
}

// orderCodes are the answers of a call on an order in the wrong state.
var orderCodes = []string{codeOrderNotExist, codeInvalidOrderState, codeOrderCanceled, codeOrderDone}

var businessHandlers = map[string]businessHandler{
	"apply_permissions":       (*Simulator).applyPermissions,
	"query_authorization":     (*Simulator).queryAuthorization,
	"terminate_authorization": (*Simulator).terminateAuthorization,
	"create_service_order":    (*Simulator).createServiceOrder,
	"query_service_order":     (*Simulator).queryServiceOrder,
	"cancel_service_order":    (*Simulator).cancelServiceOrder,
	"complete_service_order":  (*Simulator).completeServiceOrder,
	"modify_service_order":    (*Simulator).modifyServiceOrder,
	"sync_service_order":      (*Simulator).syncServiceOrder,
	"register_deduct_info":    (*Simulator).registerDeductInfo,
	"query_deduction":         (*Simulator).queryDeduction,
}

// checkBusinessCodes makes sure every code the simulator may answer for an
// endpoint is documented for it in the spec, so its HTTP status comes from
// the spec and never from this file.
func (s *Simulator) checkBusinessCodes() error {
	for _, op := range s.ops {
		codes := []string{codeParamError, codeSystemError}
		if _, own, ok := handlerOf(op); ok {
			codes = append(codes, own...)
		}
		for _, c := range codes {
			if op.codes[c] == nil {
				return fmt.Errorf("sim: endpoint %s: the spec does not document error code %s, which the simulator answers", op.ep.ID, c)
			}
		}
	}
	return nil
}

// Operations returns the ids of the endpoints the simulator serves (every
// wechatpay-v3 endpoint of the spec) and whether each has business logic;
// the others verify and validate, then answer SYSTEM_ERROR "not simulated".
func (s *Simulator) Operations() map[string]bool {
	m := map[string]bool{}
	for _, op := range s.ops {
		_, _, ok := handlerOf(op)
		m[opName(op)] = ok
	}
	return m
}

func (s *Simulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var op *operation
	var params map[string]string
	otherMethod := false
	for _, o := range s.ops {
		p, ok := o.match(r.URL.EscapedPath())
		if !ok {
			continue
		}
		if o.ep.Method != r.Method {
			otherMethod = true
			continue
		}
		op, params = o, p
		break
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		s.replyError(w, r, nil, &apiError{status: http.StatusBadRequest, code: codeParamError, message: "cannot read the request body"}, start)
		return
	}
	if len(body) > maxRequestBody {
		s.replyError(w, r, nil, &apiError{status: http.StatusRequestEntityTooLarge, code: codeParamError, message: "request body too large"}, start)
		return
	}
	if op == nil {
		if otherMethod {
			s.replyError(w, r, nil, &apiError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed, message: "method " + r.Method + " not allowed on this path"}, start)
		} else {
			s.replyError(w, r, nil, &apiError{status: http.StatusNotFound, code: CodeNotFound, message: "no such API in the spec"}, start)
		}
		return
	}

	auth, aerr := s.authenticate(r, body)
	if aerr != nil {
		s.replyError(w, r, op, aerr, start)
		return
	}
	if f := s.takeFault(op.ep.ID); f != nil {
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Code != "" {
			doc := op.codes[f.Code]
			s.replyError(w, r, op, &apiError{status: doc.Status, code: f.Code, message: doc.Description + " (injected by the simulator)"}, start)
			return
		}
	}
	c, verr := s.validateCall(r, op, auth.MchID, params, body)
	if verr != nil {
		s.replyError(w, r, op, verr, start)
		return
	}
	h, _, _ := handlerOf(op)
	if h == nil {
		s.replyError(w, r, op, s.docError(op, codeSystemError, "operation "+op.ep.ID+" is not simulated"), start)
		return
	}
	status, out, berr := h(s, c)
	if berr != nil {
		s.replyError(w, r, op, berr, start)
		return
	}
	s.reply(w, status, out)
	s.cfg.log.LogAttrs(r.Context(), slog.LevelInfo, "sim: api", slog.String("operation", op.ep.ID),
		slog.String("mchid", auth.MchID), slog.Int("status", status), slog.Duration("took", time.Since(start)))
}

// docError returns the error answer for a code documented for op.
func (s *Simulator) docError(op *operation, code, message string) *apiError {
	doc := op.codes[code] // present: checkBusinessCodes
	return &apiError{status: doc.Status, code: code, message: message}
}

// authenticate verifies the Authorization header (runtime/apiauth) and that
// its nonce was not used before within the signature window.
func (s *Simulator) authenticate(r *http.Request, body []byte) (apiauth.Authorization, *apiError) {
	a, err := s.verify.Verify(r, body)
	if err != nil {
		msg := "签名错误: "
		switch {
		case errors.Is(err, apiauth.ErrMissing):
			msg += "the Authorization header is missing"
		case errors.Is(err, apiauth.ErrMalformed):
			msg += strings.TrimPrefix(err.Error(), "apiauth: ")
		case errors.Is(err, apiauth.ErrStale):
			msg += "the Authorization timestamp is more than 5 minutes away from the server time"
		case errors.Is(err, apiauth.ErrUnknownMerch):
			msg += "unknown mchid or serial_no"
		default:
			msg += "the signature does not verify"
		}
		return a, &apiError{status: http.StatusUnauthorized, code: CodeSignError, message: msg}
	}
	if !s.useNonce(a.MchID, a.Nonce) {
		return a, &apiError{status: http.StatusUnauthorized, code: CodeSignError, message: "签名错误: nonce_str was already used within the signature window"}
	}
	return a, nil
}

// useNonce records a nonce; false when it was seen within the window.
func (s *Simulator) useNonce(mchID, nonce string) bool {
	now := time.Now()
	key := mchID + "\x00" + nonce
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.nonces[key]; ok && now.Before(exp) {
		return false
	}
	if len(s.nonces) >= 4096 {
		for k, exp := range s.nonces {
			if !now.Before(exp) {
				delete(s.nonces, k)
			}
		}
	}
	// The timestamp check already bounds a replay to 2 windows.
	s.nonces[key] = now.Add(2 * SignatureWindow)
	return true
}

// validateCall checks path, query and body against the spec's field rules.
func (s *Simulator) validateCall(r *http.Request, op *operation, mchID string, params map[string]string, body []byte) (*call, *apiError) {
	c := &call{op: op, mchID: mchID, path: params, query: map[string]string{}, body: map[string]string{}, raw: body, header: r.Header}
	q := r.URL.Query()
	for _, f := range op.query {
		if v := q.Get(f.field.Name); v != "" {
			c.query[f.field.Name] = v
		}
	}
	var col validate.Collector
	checkStrings(&col, op.path, func(n string) string { return params[n] })
	checkStrings(&col, op.query, func(n string) string { return q.Get(n) })
	if len(op.body) > 0 {
		obj := map[string]json.RawMessage{}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
				return nil, s.docError(op, codeParamError, "the request body is not a JSON object")
			}
		}
		checkJSON(&col, "", op.body, obj)
		for _, f := range op.body {
			var v string
			if raw, ok := obj[f.field.Name]; ok && json.Unmarshal(raw, &v) == nil {
				c.body[f.field.Name] = v
			}
		}
	}
	if err := col.Err(op.ep.ID); err != nil {
		var errs *validate.Errors
		errors.As(err, &errs)
		msgs := make([]string, len(errs.Fields))
		for i, fe := range errs.Fields {
			msgs[i] = fe.Error()
		}
		first := errs.Fields[0]
		e := s.docError(op, codeParamError, "参数错误: "+strings.Join(msgs, "; "))
		e.detail = map[string]string{
			"field":    first.Path,
			"location": location(op, first.Path),
			"issue":    first.Err.Error(),
		}
		return nil, e
	}
	return c, nil
}

// location says where a field travels: path, query or body.
func location(op *operation, path string) string {
	top, _, _ := strings.Cut(path, ".")
	for _, f := range op.ep.Request {
		if f.Name == top && f.In != "" {
			return f.In
		}
	}
	return "body"
}

// reply writes a signed answer. Every answer is signed, 204 and errors
// included, as WeChat Pay does.
func (s *Simulator) reply(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	if len(body) > 0 {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Request-ID", "sim-"+notifytest.RandomString(24))
	if err := s.signer.Sign(h, body); err != nil {
		// Cannot happen with a valid RSA key; answer unsigned so the client
		// reports a verification failure rather than hang.
		s.cfg.log.Error("sim: sign response", slog.String("error", err.Error()))
	}
	w.WriteHeader(status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

func (s *Simulator) replyError(w http.ResponseWriter, r *http.Request, op *operation, e *apiError, start time.Time) {
	v := struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Detail  any    `json:"detail,omitempty"`
	}{e.code, e.message, e.detail}
	body, _ := json.Marshal(v)
	s.reply(w, e.status, body)
	name := r.Method + " " + r.URL.Path
	if op != nil {
		name = op.ep.ID
	}
	s.cfg.log.LogAttrs(r.Context(), slog.LevelInfo, "sim: api refused", slog.String("operation", name),
		slog.Int("status", e.status), slog.String("code", e.code), slog.String("message", e.message),
		slog.Duration("took", time.Since(start)))
}
