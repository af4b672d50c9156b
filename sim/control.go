package sim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// The control API over HTTP, under /sim/, for programs that run the
// simulator as a separate process (`payscoregen sim`). It plays the user,
// injects faults and moves the clock. Requests and answers are JSON; errors
// are {"error": "..."} with 400 (bad input), 404 (unknown token, code or
// notification) or 409 (not possible now: expired or used token, wrong
// state). These answers are not signed: they are not WeChat Pay's.
//
//	POST   /sim/authorize       {"apply_permissions_token"|"authorization_code", "openid", "user_label"?, "app_openid"?}
//	POST   /sim/revoke          {"authorization_code"}
//	GET    /sim/authorizations
//	GET    /sim/faults
//	POST   /sim/faults          {"operation", "code"?, "count"?, "latency"?: "200ms"}
//	DELETE /sim/faults
//	GET    /sim/deliveries
//	POST   /sim/redeliver       {"id"}
//	POST   /sim/flush           waits (up to 10s) until no delivery is due or in flight
//	GET    /sim/orders
//	POST   /sim/orders/confirm  {"package"} or {"out_order_no", "mchid"?}, "openid"?  (answers the order and the jump's query_id)
//	POST   /sim/orders/pay      {"out_order_no", "mchid"?}
//	POST   /sim/orders/expire   {"out_order_no", "mchid"?}
//	POST   /sim/orders/prepay   {"out_order_no", "mchid"?}  (a PAYSCORE.MCH_PREPAY notification)
//	GET    /sim/clock
//	POST   /sim/clock/advance   {"duration": "15s"}
func (s *Simulator) controlHandler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("POST /sim/authorize", s.ctlAuthorize)
	m.HandleFunc("POST /sim/revoke", s.ctlRevoke)
	m.HandleFunc("GET /sim/authorizations", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"authorizations": s.Authorizations()})
	})
	m.HandleFunc("GET /sim/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"faults": faultsJSON(s.Faults())})
	})
	m.HandleFunc("POST /sim/faults", s.ctlFault)
	m.HandleFunc("DELETE /sim/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		writeJSON(w, http.StatusOK, map[string]any{"faults": []faultJSON{}})
	})
	m.HandleFunc("GET /sim/deliveries", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"deliveries": s.Deliveries()})
	})
	m.HandleFunc("POST /sim/redeliver", s.ctlRedeliver)
	m.HandleFunc("POST /sim/flush", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		if err := s.Flush(ctx); err != nil {
			writeErr(w, http.StatusConflict, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"deliveries": s.Deliveries()})
	})
	m.HandleFunc("GET /sim/orders", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"orders": s.Orders()})
	})
	m.HandleFunc("POST /sim/orders/{step}", s.ctlOrder)
	m.HandleFunc("GET /sim/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"now": rfc3339(s.cfg.clock.Now())})
	})
	m.HandleFunc("POST /sim/clock/advance", s.ctlAdvance)
	m.HandleFunc("/sim/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, errors.New("no such control endpoint (see README.md, section Test your integration offline)"))
	})
	return m
}

func (s *Simulator) ctlAuthorize(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token     string  `json:"apply_permissions_token"`
		Code      string  `json:"authorization_code"`
		OpenID    string  `json:"openid"`
		UserLabel *string `json:"user_label"`
		AppOpenID string  `json:"app_openid"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	ref := in.Token
	if ref == "" {
		ref = in.Code
	}
	if ref == "" {
		writeErr(w, http.StatusBadRequest, errors.New("give apply_permissions_token or authorization_code"))
		return
	}
	var opts []UserOption
	if in.UserLabel != nil {
		opts = append(opts, WithUserLabel(*in.UserLabel))
	}
	if in.AppOpenID != "" {
		opts = append(opts, WithAppOpenID(in.AppOpenID))
	}
	a, err := s.Authorize(ref, in.OpenID, opts...)
	if err != nil {
		writeErr(w, errStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"authorization": a, "deliveries": s.deliveriesOf(a)})
}

func (s *Simulator) ctlRevoke(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code string `json:"authorization_code"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	a, err := s.Revoke(in.Code)
	if err != nil {
		writeErr(w, errStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"authorization": a, "deliveries": s.deliveriesOf(a)})
}

// deliveriesOf returns the log of the notifications about a.
func (s *Simulator) deliveriesOf(a Authorization) []Delivery {
	var out []Delivery
	for _, d := range s.Deliveries() {
		if d.MchID == a.MchID && d.AuthorizationCode == a.AuthorizationCode {
			out = append(out, d)
		}
	}
	return out
}

type faultJSON struct {
	Operation string `json:"operation"`
	Code      string `json:"code,omitempty"`
	Count     int    `json:"count"`
	Latency   string `json:"latency,omitempty"`
}

func faultsJSON(fs []Fault) []faultJSON {
	out := []faultJSON{}
	for _, f := range fs {
		j := faultJSON{Operation: f.Operation, Code: f.Code, Count: f.Count}
		if f.Latency > 0 {
			j.Latency = f.Latency.String()
		}
		out = append(out, j)
	}
	return out
}

func (s *Simulator) ctlFault(w http.ResponseWriter, r *http.Request) {
	var in faultJSON
	if !readJSON(w, r, &in) {
		return
	}
	f := Fault{Operation: in.Operation, Code: in.Code, Count: in.Count}
	if in.Latency != "" {
		d, err := time.ParseDuration(in.Latency)
		if err != nil {
			writeErr(w, http.StatusBadRequest, err)
			return
		}
		f.Latency = d
	}
	if err := s.InjectFault(f); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"faults": faultsJSON(s.Faults())})
}

func (s *Simulator) ctlRedeliver(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID string `json:"id"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	a, err := s.Redeliver(in.ID)
	if err != nil {
		writeErr(w, errStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"attempt": a})
}

func (s *Simulator) ctlAdvance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Duration string `json:"duration"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	d, err := time.ParseDuration(in.Duration)
	if err != nil || d < 0 {
		writeErr(w, http.StatusBadRequest, errors.New(`duration must be a non-negative Go duration such as "15s"`))
		return
	}
	s.Advance(d)
	writeJSON(w, http.StatusOK, map[string]any{"now": rfc3339(s.cfg.clock.Now())})
}

func errStatus(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrInvalidInput), errors.Is(err, ErrAmbiguous):
		return http.StatusBadRequest
	}
	return http.StatusConflict
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		writeErr(w, http.StatusBadRequest, errors.New("the body must be a JSON object: "+err.Error()))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeErr(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
