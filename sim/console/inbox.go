package console

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// The jump inbox: payloads pasted in the console or posted by a front end
// (any origin: a web page or mini-program tool on another port), kept for
// the jumps page, newest first.

const inboxSize = 20

func (c *Console) postJump(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	ct := r.Header.Get("Content-Type")
	fromForm := strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
	var input, source string
	var key jumpsign.Secret
	if fromForm {
		if !c.form(w, r) {
			return
		}
		input, key = r.PostFormValue("payload"), jumpsign.Secret(strings.TrimSpace(r.PostFormValue("key")))
		source = "pasted in the console"
		if !sameOrigin(r) {
			source = "form posted from " + origin(r)
		}
	} else {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxJumpInput+1))
		if err != nil {
			http.Error(w, "console: cannot read the body", http.StatusBadRequest)
			return
		}
		input, source = string(b), "posted by "+origin(r)
	}
	cj := c.jumps.check(input, c.apiV2Key, key)
	cj.Source = source
	cj.Received = time.Now()
	c.mu.Lock()
	c.seq++
	cj.Seq = c.seq
	c.inbox = append([]*checkedJump{cj}, c.inbox...)
	if len(c.inbox) > inboxSize {
		c.inbox = c.inbox[:inboxSize]
	}
	c.mu.Unlock()
	c.touch()
	if fromForm && sameOrigin(r) {
		msg := fmt.Sprintf("Payload #%d read: %s.", cj.Seq, cj.Summary())
		http.Redirect(w, r, pathJumps+"?done="+urlQueryEscape(msg)+fmt.Sprintf("#jump-%d", cj.Seq), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(cj.report())
}

// jumpPreflight lets a front end on another origin post JSON.
func (c *Console) jumpPreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func origin(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return o
	}
	if ua := r.Header.Get("User-Agent"); ua != "" {
		return short(ua, 60)
	}
	return "a client"
}

// Summary is one line about the result.
func (cj *checkedJump) Summary() string {
	switch {
	case cj.Error != "":
		return cj.Error
	case cj.OK():
		s := cj.Jump.ID + ", every field valid"
		if cj.Signature.Status == sigValid {
			s += ", signature valid"
		}
		return s
	default:
		return cj.Jump.ID + ", with problems: " + strings.Join(cj.problems(), "; ")
	}
}

func (cj *checkedJump) problems() []string {
	var out []string
	for _, f := range cj.Params {
		if f.Problem != "" {
			out = append(out, f.Name+": "+f.Problem)
		}
	}
	for _, f := range cj.Data {
		if f.Problem != "" {
			out = append(out, f.Name+": "+f.Problem)
		}
	}
	for _, u := range cj.Unknown {
		out = append(out, u+": not a member of this jump")
	}
	switch cj.Signature.Status {
	case sigInvalid:
		out = append(out, "signature invalid")
	case sigNoKey:
		out = append(out, "signature not checked: enter "+cj.Signature.KeyName)
	}
	return out
}

// jumpReport is the JSON answer to a front end's post.
type jumpReport struct {
	Seq       int      `json:"seq"`
	OK        bool     `json:"ok"`
	Jump      string   `json:"jump,omitempty"`
	Format    string   `json:"format,omitempty"`
	Error     string   `json:"error,omitempty"`
	Problems  []string `json:"problems,omitempty"`
	Signature string   `json:"signature,omitempty"`
	Page      string   `json:"page"`
}

func (cj *checkedJump) report() jumpReport {
	rep := jumpReport{Seq: cj.Seq, OK: cj.OK(), Format: cj.Format, Error: cj.Error, Page: fmt.Sprintf("%s#jump-%d", pathJumps, cj.Seq)}
	if cj.Jump != nil {
		rep.Jump = cj.Jump.ID
		rep.Problems = cj.problems()
		rep.Signature = cj.Signature.Status
	}
	return rep
}
