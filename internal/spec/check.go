package spec

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/internal/naming"
)

// checker runs the semantic checks that span keys and files.
type checker struct {
	r      *reporter
	errata map[string]*Erratum
	codes  map[string]*ErrorCode
	sets   map[string]*ErrorSet
	types  map[string]*TypeDef
}

var (
	updatedDate = regexp.MustCompile(`^\d{4}\.\d{2}\.\d{2}$`)
	errorCode   = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	kebab       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	version     = regexp.MustCompile(`^\d+(\.\d+)*$`)
	pathParam   = regexp.MustCompile(`\{([^{}]*)\}`)
	packageName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
)

func check(s *Spec, r *reporter) {
	c := &checker{
		r:      r,
		errata: map[string]*Erratum{},
		codes:  map[string]*ErrorCode{},
		sets:   map[string]*ErrorSet{},
		types:  map[string]*TypeDef{},
	}
	// Definitions first, so references in any file resolve.
	for _, f := range s.Files {
		for _, e := range f.Errata {
			if !kebab.MatchString(e.ID) {
				r.add(e.Pos, "erratum id %q must be kebab-case", e.ID)
			}
			if prev, dup := c.errata[e.ID]; dup {
				r.add(e.Pos, "erratum id %q is already defined at %s", e.ID, where(prev.Pos))
				continue
			}
			c.errata[e.ID] = e
		}
		for _, e := range f.Errors {
			c.errorCode(e)
		}
		for _, td := range f.Types {
			td.File = f
			if !naming.IsSnake(td.ID) {
				r.add(td.At("id"), "type id %q must be snake_case", td.ID)
			}
			if prev, dup := c.types[td.ID]; dup {
				r.add(td.At("id"), "type %q is already defined at %s", td.ID, where(prev.Pos))
				continue
			}
			c.types[td.ID] = td
		}
		for _, set := range f.ErrorSets {
			if prev, dup := c.sets[set.ID]; dup {
				r.add(set.Pos, "error set %q is already defined at %s", set.ID, where(prev.Pos))
				continue
			}
			c.sets[set.ID] = set
		}
	}
	for _, set := range c.sets {
		for _, code := range set.Codes {
			if c.codes[code] == nil {
				r.add(set.Pos, "error set %q: unknown error code %q", set.ID, code)
			}
		}
	}

	idents := map[string]map[string]Pos{} // package -> Go name -> first use
	declare := func(f *File, pos Pos, ident, what string) {
		if idents[f.Package] == nil {
			idents[f.Package] = map[string]Pos{}
		}
		if prev, dup := idents[f.Package][ident]; dup {
			r.add(pos, "%s: Go name %s is already used at %s", what, ident, where(prev))
			return
		}
		idents[f.Package][ident] = pos
	}

	for _, f := range s.Files {
		c.file(f)
		for _, td := range f.Types {
			declare(f, td.Pos, td.Ident(), "type "+td.ID)
			c.typeDef(td)
		}
		for _, e := range f.Endpoints {
			e.File = f
			declare(f, e.Pos, e.Ident(), "endpoint "+e.ID)
			c.endpoint(f, e)
		}
		for _, cb := range f.Callbacks {
			cb.File = f
			declare(f, cb.Pos, cb.Ident(), "callback "+cb.ID)
			c.callback(cb)
		}
		for _, j := range f.Jumps {
			j.File = f
			declare(f, j.Pos, j.Ident(), "jump "+j.ID)
			c.jump(j)
		}
	}
	c.cycles(s)
}

func where(p Pos) string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

func (c *checker) file(f *File) {
	if !packageName.MatchString(f.Package) {
		c.r.add(f.At("package"), "package %q must be a lower-case Go package name", f.Package)
	}
	if p := f.Page; p != nil {
		if p.Updated != "" && !updatedDate.MatchString(p.Updated) {
			c.r.add(p.At("updated"), "page.updated %q must be written as on the page, yyyy.mm.dd", p.Updated)
		}
		if p.Seed == "" && p.Source == "" {
			c.r.add(p.Pos, "page needs a seed (the seed file it transcribes) or a source (where its facts come from)")
		}
		if p.URL != "" {
			if u, err := url.Parse(p.URL); err != nil || u.Scheme != "https" || u.Host == "" {
				c.r.add(p.At("url"), "page.url %q must be an https URL", p.URL)
			}
		}
		for _, id := range p.DocIDs {
			if id == "" {
				c.r.add(p.At("doc_ids"), "page.doc_ids: empty doc id")
			}
		}
	}
	if len(f.Endpoints) > 0 && f.API == nil {
		c.r.add(f.Pos, "a file with endpoints needs an api block (style, base_url)")
	}
	if a := f.API; a != nil {
		u, err := url.Parse(a.BaseURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
			c.r.add(a.At("base_url"), "api.base_url %q must be an https origin such as https://api.mch.weixin.qq.com", a.BaseURL)
		}
		if a.Style == "wechatpay-v3" && a.VersionPrefix != "/v3/" {
			c.r.add(a.At("version_prefix"), "api.version_prefix must be \"/v3/\" for style wechatpay-v3")
		}
		if a.VersionPrefix != "" && (!strings.HasPrefix(a.VersionPrefix, "/") || !strings.HasSuffix(a.VersionPrefix, "/")) {
			c.r.add(a.At("version_prefix"), "api.version_prefix %q must start and end with /", a.VersionPrefix)
		}
	}
}

func (c *checker) errorCode(e *ErrorCode) {
	if !errorCode.MatchString(e.Code) {
		c.r.add(e.At("code"), "error code %q must be upper-case letters, digits and _ (a stray space in the doc belongs in an erratum)", e.Code)
	}
	if e.Status < 400 || e.Status > 599 {
		c.r.add(e.At("status"), "error code %s: status %d is not a 4xx or 5xx HTTP status", e.Code, e.Status)
	}
	if e.GoName != "" && !naming.IsGoIdent(e.GoName) {
		c.r.add(e.At("go_name"), "error code %s: go_name %q is not an exported Go identifier", e.Code, e.GoName)
	}
	if prev, dup := c.codes[e.Code]; dup {
		c.r.add(e.Pos, "error code %s is already defined at %s", e.Code, where(prev.Pos))
		return
	}
	c.codes[e.Code] = e
	c.erratumRef(e.At("erratum"), e.Erratum)
}

func (c *checker) erratumRef(pos Pos, id string) {
	if id != "" && c.errata[id] == nil {
		c.r.add(pos, "unknown erratum %q", id)
	}
}

func (c *checker) endpoint(f *File, e *Endpoint) {
	if !naming.IsSnake(e.ID) {
		c.r.add(e.At("id"), "endpoint id %q must be snake_case", e.ID)
	}
	if e.GoName != "" && !naming.IsGoIdent(e.GoName) {
		c.r.add(e.At("go_name"), "endpoint %s: go_name %q is not an exported Go identifier", e.ID, e.GoName)
	}
	if !strings.HasPrefix(e.Path, "/") {
		c.r.add(e.At("path"), "endpoint %s: path %q must be absolute (start with /)", e.ID, e.Path)
	} else if f.API != nil && f.API.VersionPrefix != "" && !strings.HasPrefix(e.Path, f.API.VersionPrefix) {
		c.r.add(e.At("path"), "endpoint %s: path %q is not under the API version prefix %s", e.ID, e.Path, f.API.VersionPrefix)
	}
	if strings.ContainsAny(e.Path, "?# ") {
		c.r.add(e.At("path"), "endpoint %s: path %q must not hold a query, fragment or space", e.ID, e.Path)
	}
	c.modePath(f, e)
	for _, seg := range strings.Split(strings.TrimPrefix(e.Path, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			c.r.add(e.At("path"), "endpoint %s: path %q is not canonical (empty, . or .. segment)", e.ID, e.Path)
			break
		}
	}
	if e.ContentType == "form" && (f.API == nil || f.API.Style != "form-md5") {
		c.r.add(e.At("content_type"), "endpoint %s: content_type form needs api.style form-md5", e.ID)
	}
	if f.API != nil && f.API.Style == "form-md5" && e.ContentType != "form" {
		c.r.add(e.Pos, "endpoint %s: api.style form-md5 needs content_type form", e.ID)
	}
	switch e.SuccessStatus {
	case 200:
	case 204:
		if len(e.Response) > 0 {
			c.r.add(e.At("success_status"), "endpoint %s: success_status 204 has no body, but response fields are listed", e.ID)
		}
	default:
		c.r.add(e.At("success_status"), "endpoint %s: success_status must be 200 (with a body) or 204 (without), not %d", e.ID, e.SuccessStatus)
	}

	// Path parameters: declared and used, both ways.
	used := map[string]bool{}
	for _, m := range pathParam.FindAllStringSubmatch(e.Path, -1) {
		name := m[1]
		if used[name] {
			c.r.add(e.At("path"), "endpoint %s: path parameter {%s} appears twice", e.ID, name)
			continue
		}
		used[name] = true
		p := FieldNamed(e.Request, name)
		switch {
		case p == nil:
			c.r.add(e.At("path"), "endpoint %s: path parameter {%s} is not declared in request", e.ID, name)
		case p.In != "path":
			c.r.add(p.Pos, "endpoint %s: %s is used in the path, so it needs in: path", e.ID, name)
		}
	}
	for _, p := range e.Request {
		switch {
		case p.In == "":
			c.r.add(p.Pos, "request field %s: missing in (path, query or body)", p.Name)
		case p.In == "path" && !used[p.Name]:
			c.r.add(p.At("in"), "request field %s is in: path but the path %q has no {%s}", p.Name, e.Path, p.Name)
		case p.In == "path" && !p.Required:
			c.r.add(p.At("in"), "request field %s is in: path, so it must be required", p.Name)
		case p.In == "body" && e.Method == "GET":
			c.r.add(p.At("in"), "request field %s: a GET request has no body", p.Name)
		case (p.In == "path" || p.In == "query") && (p.Type == KindObject || p.Type == KindArray || p.Ref != ""):
			c.r.add(p.At("in"), "request field %s: a %s parameter is a string, integer or boolean", p.Name, p.In)
		}
	}
	c.fields(e.Request, "request")
	c.rules(e.Rules, e.Request, "request")
	for _, p := range e.Response {
		if p.In != "" {
			c.r.add(p.At("in"), "response field %s: in applies to request parameters only", p.Name)
		}
	}
	c.fields(e.Response, "response")

	for _, id := range e.ErrorSets {
		if c.sets[id] == nil {
			c.r.add(e.At("error_sets"), "endpoint %s: unknown error set %q", e.ID, id)
		}
	}
	for _, code := range e.ErrorCodes {
		if c.codes[code] == nil {
			c.r.add(e.At("error_codes"), "endpoint %s: unknown error code %q", e.ID, code)
		}
	}
}

func (c *checker) callback(cb *Callback) {
	if !naming.IsSnake(cb.ID) {
		c.r.add(cb.At("id"), "callback id %q must be snake_case", cb.ID)
	}
	if cb.GoName != "" && !naming.IsGoIdent(cb.GoName) {
		c.r.add(cb.At("go_name"), "callback %s: go_name %q is not an exported Go identifier", cb.ID, cb.GoName)
	}
	types := map[string]bool{}
	idents := map[string]bool{}
	for _, ev := range cb.Events {
		switch {
		case ev.GoName != "" && !naming.IsGoIdent(ev.GoName):
			c.r.add(ev.At("go_name"), "callback %s: event %s: go_name %q is not an exported Go identifier", cb.ID, ev.Type, ev.GoName)
		case ev.GoName == "" && !naming.Derivable(ev.Type):
			c.r.add(ev.At("type"), "callback %s: event type %q does not make an exported Go name; set go_name", cb.ID, ev.Type)
		}
		where := "event " + ev.Type + " plaintext"
		if ev.Plaintext != nil {
			c.fields(ev.Plaintext, where)
			c.rules(ev.Rules, ev.Plaintext, where)
		} else {
			if len(cb.Plaintext) == 0 {
				c.r.add(ev.Pos, "callback %s: event %s has no plaintext, and neither has the callback", cb.ID, ev.Type)
			}
			c.rules(ev.Rules, cb.Plaintext, where)
		}
		if types[ev.Type] {
			c.r.add(ev.Pos, "callback %s: event type %s is listed twice", cb.ID, ev.Type)
		}
		if idents[ev.Ident()] {
			c.r.add(ev.Pos, "callback %s: event %s has the Go name %s of another event; set go_name", cb.ID, ev.Type, ev.Ident())
		}
		types[ev.Type], idents[ev.Ident()] = true, true
	}
	switch cb.Encoding {
	case "json":
		if cb.Encryption == "" || len(cb.Envelope) == 0 || len(cb.Events) == 0 {
			c.r.add(cb.Pos, "callback %s: a json callback needs encryption, envelope and events", cb.ID)
		}
		if cb.Signature != "WECHATPAY2-SHA256-RSA2048" {
			c.r.add(cb.Pos, "callback %s: a json callback is signed WECHATPAY2-SHA256-RSA2048", cb.ID)
		}
		if FieldNamed(cb.Envelope, "resource") == nil {
			c.r.add(cb.Pos, "callback %s: the envelope needs a resource object", cb.ID)
		}
	case "form":
		if cb.Signature != "MD5" {
			c.r.add(cb.Pos, "callback %s: a form callback is signed MD5", cb.ID)
		}
		if cb.Encryption != "" || len(cb.Envelope) > 0 {
			c.r.add(cb.Pos, "callback %s: a form callback has no encryption or envelope", cb.ID)
		}
	}
	c.fields(cb.Envelope, "envelope")
	c.fields(cb.Plaintext, "plaintext")
	c.rules(cb.Rules, cb.Plaintext, "plaintext")
	if len(cb.Plaintext) == 0 && len(cb.Events) == 0 {
		c.r.add(cb.Pos, "callback %s: needs a plaintext (or events with their own)", cb.ID)
	}
	for _, g := range cb.OneOf {
		if len(g.Fields) < 2 {
			c.r.add(g.Pos, "one_of %s: needs at least two fields", g.Name)
		}
		for _, name := range g.Fields {
			f := FieldNamed(cb.Plaintext, name)
			switch {
			case f == nil:
				c.r.add(g.At("fields"), "one_of %s: %q is not a plaintext field", g.Name, name)
			case f.Required:
				c.r.add(f.Pos, "plaintext.%s is in one_of %s, so it cannot be required on its own", name, g.Name)
			}
		}
	}
	if a := cb.Ack; a != nil {
		for _, st := range a.SuccessStatuses {
			if st < 200 || st > 299 {
				c.r.add(a.At("success_statuses"), "ack.success_statuses: %d is not a 2xx status", st)
			}
		}
		if a.Deadline != "" {
			c.duration(a.At("deadline"), "ack.deadline", a.Deadline)
		}
		c.fields(a.FailureBody, "ack.failure_body")
	}
	if rt := cb.Retry; rt != nil {
		for _, iv := range rt.Intervals {
			c.duration(rt.At("intervals"), "retry.intervals", iv)
		}
		if rt.Then != "" {
			c.duration(rt.At("then"), "retry.then", rt.Then)
		}
		if rt.MaxAge != "" {
			c.duration(rt.At("max_age"), "retry.max_age", rt.MaxAge)
		}
	}
}

func (c *checker) duration(pos Pos, key, s string) {
	if d, err := time.ParseDuration(s); err != nil || d < 0 {
		c.r.add(pos, "%s: %q is not a duration such as 15s, 30m or 72h", key, s)
	}
}

func (c *checker) jump(j *Jump) {
	if !naming.IsSnake(j.ID) {
		c.r.add(j.At("id"), "jump id %q must be snake_case", j.ID)
	}
	if j.GoName != "" && !naming.IsGoIdent(j.GoName) {
		c.r.add(j.At("go_name"), "jump %s: go_name %q is not an exported Go identifier", j.ID, j.GoName)
	}
	switch j.Call {
	case "wx.openBusinessView", "WXOpenBusinessView", "openBusinessView":
		if j.BusinessType == "" {
			c.r.add(j.Pos, "jump %s: %s needs business_type", j.ID, j.Call)
		}
	case "wx.navigateToMiniProgram":
		if j.AppID == "" || j.Path == "" {
			c.r.add(j.Pos, "jump %s: wx.navigateToMiniProgram needs app_id and path", j.ID)
		}
	}
	wantPlatform := map[string]string{
		"wx.openBusinessView": "miniprogram", "wx.navigateToMiniProgram": "miniprogram",
		"WXOpenBusinessView": "app", "openBusinessView": "jsapi",
	}[j.Call]
	if wantPlatform != "" && j.Platform != wantPlatform {
		c.r.add(j.Pos, "jump %s: %s is a %s call, not %s", j.ID, j.Call, wantPlatform, j.Platform)
	}
	c.fields(j.Params, "params")
	c.fields(j.Data, "data")
	if FieldNamed(j.Params, j.CarrierField) == nil {
		c.r.add(j.At("carrier_field"), "jump %s: carrier_field %q is not one of params", j.ID, j.CarrierField)
	}
	if s := j.Signing; s != nil {
		c.erratumRef(s.At("erratum"), s.Erratum)
		if s.Algorithm == "none" {
			if s.Key != "" || s.SignField != "" || s.SignTypeField != "" {
				c.r.add(s.Pos, "jump %s: algorithm none takes no key, sign_field or sign_type_field", j.ID)
			}
		} else {
			if s.Key == "" || s.SignField == "" {
				c.r.add(s.Pos, "jump %s: a signed jump needs signing.key and signing.sign_field", j.ID)
			}
			if s.SignField != "" && FieldNamed(j.Data, s.SignField) == nil {
				c.r.add(s.At("sign_field"), "jump %s: sign_field %q is not a data field", j.ID, s.SignField)
			}
			if s.SignTypeField != "" {
				f := FieldNamed(j.Data, s.SignTypeField)
				if f == nil {
					c.r.add(s.At("sign_type_field"), "jump %s: sign_type_field %q is not a data field", j.ID, s.SignTypeField)
				} else if f.Const != s.Algorithm {
					c.r.add(f.At("const"), "jump %s: %s must have const %q, the signing algorithm", j.ID, f.Name, s.Algorithm)
				}
			}
		}
	}
	if rq := j.Requires; rq != nil {
		for _, kv := range [][2]string{
			{"base_library", rq.BaseLibrary}, {"wechat", rq.WeChat}, {"opensdk_android", rq.OpenSDKAndroid},
			{"opensdk_ios", rq.OpenSDKIOS}, {"jssdk", rq.JSSDK},
		} {
			if kv[1] != "" && !version.MatchString(kv[1]) {
				c.r.add(rq.At(kv[0]), "requires.%s: %q is not a version such as 2.6.0", kv[0], kv[1])
			}
		}
	}
	if rt := j.Returns; rt != nil {
		c.fields(rt.Fields, "returns")
	}
}

func (c *checker) typeDef(td *TypeDef) {
	if td.GoName != "" && !naming.IsGoIdent(td.GoName) {
		c.r.add(td.At("go_name"), "type %s: go_name %q is not an exported Go identifier", td.ID, td.GoName)
	}
	if len(td.Fields) == 0 {
		c.r.add(td.Pos, "type %s needs fields", td.ID)
	}
	where := "type " + td.ID
	c.fields(td.Fields, where)
	c.rules(td.Rules, td.Fields, where)
}

// cycles reports named types that contain themselves: a Go struct cannot,
// and no doc page describes one.
func (c *checker) cycles(s *Spec) {
	const (
		unseen = iota
		active
		done
	)
	state := map[*TypeDef]int{}
	var visit func(td *TypeDef, chain []string)
	var walk func(list []*Field, chain []string)
	walk = func(list []*Field, chain []string) {
		for _, f := range list {
			sc := &f.Schema
			if sc.Items != nil {
				sc = &sc.Items.Schema
			}
			if sc.RefType != nil {
				if state[sc.RefType] == active {
					c.r.add(sc.RefType.Pos, "type %s contains itself (%s -> %s); recursive types are not supported",
						sc.RefType.ID, strings.Join(chain, " -> "), sc.RefType.ID)
					continue
				}
				visit(sc.RefType, chain)
				continue
			}
			walk(sc.Fields, chain)
		}
	}
	visit = func(td *TypeDef, chain []string) {
		if state[td] != unseen {
			return
		}
		state[td] = active
		walk(td.Fields, append(chain, td.ID))
		state[td] = done
	}
	for _, f := range s.Files {
		for _, td := range f.Types {
			visit(td, nil)
		}
	}
}
