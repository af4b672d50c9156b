package spec

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/payscoregen/payscoregen/internal/naming"
)

// checker runs the semantic checks that span keys and files.
type checker struct {
	r      *reporter
	errata map[string]*Erratum
	codes  map[string]*ErrorCode
	sets   map[string]*ErrorSet
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
}

func where(p Pos) string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

func (c *checker) file(f *File) {
	if !packageName.MatchString(f.Package) {
		c.r.add(f.At("package"), "package %q must be a lower-case Go package name", f.Package)
	}
	if f.Page != nil && f.Page.Updated != "" && !updatedDate.MatchString(f.Page.Updated) {
		c.r.add(f.Page.At("updated"), "page.updated %q must be written as on the page, yyyy.mm.dd", f.Page.Updated)
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
		}
	}
	c.fields(e.Request, "request")
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

// fields checks a list of sibling fields and, recursively, their members.
func (c *checker) fields(list []*Field, where string) {
	names := map[string]*Field{}
	idents := map[string]*Field{}
	for _, f := range list {
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			if prev, dup := names[n]; dup {
				c.r.add(f.Pos, "%s: field name %q is already used at line %d", where, n, prev.Line)
			} else {
				names[n] = f
			}
		}
		if prev, dup := idents[f.Ident()]; dup && prev != f {
			c.r.add(f.Pos, "%s: field %s has the Go name %s, like %s at line %d", where, f.Name, f.Ident(), prev.Name, prev.Line)
		} else {
			idents[f.Ident()] = f
		}
		c.field(f, where)
	}
}

func (c *checker) field(f *Field, where string) {
	path := where + "." + f.Name
	if f.GoName != "" && !naming.IsGoIdent(f.GoName) {
		c.r.add(f.At("go_name"), "%s: go_name %q is not an exported Go identifier", path, f.GoName)
	}
	c.erratumRef(f.At("erratum"), f.Erratum)
	isString := f.Type == "string"
	if !isString {
		if f.MinLength != nil || f.MaxLength != nil {
			c.r.add(f.Pos, "%s: min_length/max_length apply to strings, not %s", path, f.Type)
		}
		if len(f.Enum) > 0 || f.Pattern != "" || f.Format != "" || f.Reject4ByteUTF8 {
			c.r.add(f.Pos, "%s: enum, pattern, format and reject_4byte_utf8 apply to strings, not %s", path, f.Type)
		}
	}
	if f.Type != "integer" && (f.Minimum != nil || f.Maximum != nil) {
		c.r.add(f.Pos, "%s: minimum/maximum apply to integers, not %s", path, f.Type)
	}
	if f.Type == "object" {
		if len(f.Fields) == 0 {
			c.r.add(f.Pos, "%s: an object needs fields", path)
		}
		c.fields(f.Fields, path)
	} else if len(f.Fields) > 0 {
		c.r.add(f.Pos, "%s: only an object has fields", path)
	}
	if f.MinLength != nil && *f.MinLength < 0 {
		c.r.add(f.At("min_length"), "%s: min_length %d is negative", path, *f.MinLength)
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		c.r.add(f.At("min_length"), "%s: min_length %d is greater than max_length %d", path, *f.MinLength, *f.MaxLength)
	}
	if f.MaxLength != nil && *f.MaxLength <= 0 {
		c.r.add(f.At("max_length"), "%s: max_length %d must be positive", path, *f.MaxLength)
	}
	if f.Minimum != nil && f.Maximum != nil && *f.Minimum > *f.Maximum {
		c.r.add(f.At("minimum"), "%s: minimum %d is greater than maximum %d", path, *f.Minimum, *f.Maximum)
	}
	var re *regexp.Regexp
	if f.Pattern != "" {
		var err error
		re, err = regexp.Compile(f.Pattern)
		switch {
		case err != nil:
			c.r.add(f.At("pattern"), "%s: pattern does not compile: %v", path, err)
		case !strings.HasPrefix(f.Pattern, "^") || !strings.HasSuffix(f.Pattern, "$"):
			c.r.add(f.At("pattern"), "%s: pattern %q must be anchored with ^ and $", path, f.Pattern)
		}
	}
	seen := map[string]bool{}
	idents := map[string]bool{}
	for _, ev := range f.Enum {
		if ev.Value == "" {
			c.r.add(ev.Pos, "%s: empty enum value", path)
		}
		if seen[ev.Value] {
			c.r.add(ev.Pos, "%s: enum value %q is listed twice", path, ev.Value)
		}
		if idents[ev.Ident()] {
			c.r.add(ev.Pos, "%s: enum value %q has the same Go name as another (%s); set go_name", path, ev.Value, ev.Ident())
		}
		seen[ev.Value] = true
		idents[ev.Ident()] = true
		if reason := f.violation(ev.Value, re, false); reason != "" {
			c.r.add(ev.Pos, "%s: enum value %q %s", path, ev.Value, reason)
		}
	}
	if f.Const != "" {
		if reason := f.violation(f.Const, re, false); reason != "" {
			c.r.add(f.At("const"), "%s: const %q %s", path, f.Const, reason)
		}
	}
	if f.Example != "" && f.Erratum == "" {
		if reason := f.violation(f.Example, re, true); reason != "" {
			c.r.add(f.At("example"), "%s: example %q %s; fix it or name the erratum that explains it", path, f.Example, reason)
		}
	}
}

// violation says how a value breaks the field's own constraints, or "".
func (f *Field) violation(v string, re *regexp.Regexp, checkEnumConst bool) string {
	switch f.Type {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "is not an integer"
		}
		if f.Minimum != nil && n < *f.Minimum {
			return fmt.Sprintf("is below the minimum %d", *f.Minimum)
		}
		if f.Maximum != nil && n > *f.Maximum {
			return fmt.Sprintf("is above the maximum %d", *f.Maximum)
		}
		return ""
	case "boolean":
		if v != "true" && v != "false" {
			return "is not true or false"
		}
		return ""
	case "object":
		return ""
	}
	n := utf8.RuneCountInString(v)
	if f.MinLength != nil && n < *f.MinLength {
		return fmt.Sprintf("is %d characters, under min_length %d", n, *f.MinLength)
	}
	if f.MaxLength != nil && n > *f.MaxLength {
		return fmt.Sprintf("is %d characters, over max_length %d", n, *f.MaxLength)
	}
	if re != nil && !re.MatchString(v) {
		return fmt.Sprintf("does not match pattern %s", f.Pattern)
	}
	if checkEnumConst {
		if len(f.Enum) > 0 && !f.hasEnum(v) {
			return "is not one of the enum values"
		}
		if f.Const != "" && v != f.Const {
			return fmt.Sprintf("differs from const %q", f.Const)
		}
	}
	return ""
}

func (f *Field) hasEnum(v string) bool {
	for _, ev := range f.Enum {
		if ev.Value == v {
			return true
		}
	}
	return false
}

func (c *checker) callback(cb *Callback) {
	if !naming.IsSnake(cb.ID) {
		c.r.add(cb.At("id"), "callback id %q must be snake_case", cb.ID)
	}
	types := map[string]bool{}
	idents := map[string]bool{}
	for _, ev := range cb.Events {
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
