package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/runtime/jumpsign"
	"github.com/payscoregen/payscoregen/runtime/kv"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// The jump checker reads a jump payload the way the WeChat page it opens
// would: it finds which jump of the spec (spec/jumps, spec/xiaoweijufu) the
// payload is, checks every parameter and business-data field with the spec's
// rules, and checks the signature of signed jumps.

// maxJumpInput bounds a pasted or posted payload; the largest jump is a
// 2048-character query inside a small object.
const maxJumpInput = 64 << 10

type jumpChecker struct {
	jumps []*jumpRules
}

type jumpRules struct {
	j      *spec.Jump
	params []*fieldCheckRule
	data   []*fieldCheckRule
}

type fieldCheckRule struct {
	f   *spec.Field
	str *validate.StringRule // strings
	num *validate.IntRule    // integers
}

func newJumpChecker(model *spec.Spec) *jumpChecker {
	jc := &jumpChecker{}
	for _, f := range model.Files {
		for _, j := range f.Jumps {
			jc.jumps = append(jc.jumps, &jumpRules{j: j, params: checkRules(j.Params), data: checkRules(j.Data)})
		}
	}
	return jc
}

func checkRules(fields []*spec.Field) []*fieldCheckRule {
	var out []*fieldCheckRule
	for _, f := range fields {
		r := &fieldCheckRule{f: f}
		switch f.Type {
		case "string":
			sr := &validate.StringRule{Required: f.Required, PatternDescription: f.PatternText, Reject4ByteUTF8: f.Reject4ByteUTF8}
			if f.MinLength != nil {
				sr.MinLength = *f.MinLength
			}
			if f.MaxLength != nil {
				sr.MaxLength = *f.MaxLength
			}
			for _, e := range f.Enum {
				sr.Enum = append(sr.Enum, e.Value)
			}
			if f.Const != "" {
				sr.Enum = []string{f.Const}
			}
			if f.Pattern != "" {
				sr.Pattern, _ = regexp.Compile(f.Pattern) // the loader checked it
			}
			if validate.KnownFormat(string(f.Format)) {
				sr.Format = string(f.Format)
			}
			r.str = sr
		case "integer":
			ir := &validate.IntRule{Required: f.Required}
			if f.Minimum != nil {
				ir.HasMin, ir.Min = true, *f.Minimum
			}
			if f.Maximum != nil {
				ir.HasMax, ir.Max = true, *f.Maximum
			}
			r.num = ir
		}
		out = append(out, r)
	}
	return out
}

// checkedJump is the result of reading one payload.
type checkedJump struct {
	Seq      int
	Source   string // "pasted in the console", "posted by https://..."
	Received time.Time
	Input    string
	// Format is how the input was read: "JSON parameters", "JSON business
	// data", "query string". Error is set when it could not be read.
	Format string
	Error  string
	// Jump is the best match, nil when none fits.
	Jump      *spec.Jump
	Params    []fieldResult
	Data      []fieldResult
	Unknown   []string // members the jump does not define
	Signature signatureResult
	// Others are other jumps of the spec with the same shape (the same
	// data as both wx.openBusinessView and wx.navigateToMiniProgram).
	Others []string
	// Token and Package are the references to simulator state the
	// business data carries.
	Token   string
	Package string
}

// OK reports a payload that matched a jump with no problem.
func (c *checkedJump) OK() bool {
	if c.Error != "" || c.Jump == nil || len(c.Unknown) > 0 || c.Signature.Status == sigInvalid || c.Signature.Status == sigNoKey {
		return false
	}
	for _, f := range append(slices.Clone(c.Params), c.Data...) {
		if f.Problem != "" {
			return false
		}
	}
	return true
}

type fieldResult struct {
	Name, Title string
	Value       string
	Present     bool
	Problem     string // empty when valid
}

// Signature check outcomes.
const (
	sigNone    = "unsigned" // the jump carries no signature
	sigValid   = "valid"
	sigInvalid = "invalid"
	sigNoKey   = "no key" // cannot check: the key is unknown
)

type signatureResult struct {
	Status    string
	Algorithm string
	KeyName   string // "the merchant's APIv2 key", ...
	KeySource string // where the key came from
	Canonical string // the signed string, without the key
	Expected  string
	Given     string
}

// check reads input. key overrides the console's APIv2 key for apiv2_key
// jumps and is the only key for merchant_secret jumps.
func (jc *jumpChecker) check(input string, apiV2Key, override jumpsign.Secret) *checkedJump {
	out := &checkedJump{Input: input}
	outer, data, carrierRaw, err := readPayload(strings.TrimSpace(input), jc.carrierFields())
	switch {
	case err != nil:
		out.Error = err.Error()
		return out
	case outer != nil:
		out.Format = "JSON parameters (the object the front end passes to the jump call)"
	case strings.HasPrefix(strings.TrimSpace(input), "{"):
		out.Format = "JSON business data (extraData)"
	default:
		out.Format = "query string"
	}

	dataOf := func(jr *jumpRules) map[string]string {
		if outer != nil {
			return data[jr.j.CarrierField]
		}
		return data[""]
	}
	best, bestScore := -1, 0
	scores := make([]int, len(jc.jumps))
	for i, jr := range jc.jumps {
		scores[i] = jr.score(outer, dataOf(jr), outer == nil && out.Format == "query string")
		if scores[i] > bestScore {
			best, bestScore = i, scores[i]
		}
	}
	if best < 0 {
		out.Error = "no jump of the spec has these members: is this the whole jump call's object, its extraData, or its query string?"
		return out
	}
	jr := jc.jumps[best]
	for i, s := range scores {
		if i != best && s == bestScore {
			out.Others = append(out.Others, jc.jumps[i].j.ID)
		}
	}
	out.Jump = jr.j
	d := dataOf(jr)
	if d == nil {
		d = map[string]string{}
	}
	if outer != nil {
		out.Params = checkFields(jr.params, outer, jr.j.CarrierField, carrierRaw[jr.j.CarrierField])
		for k := range outer {
			if !slices.ContainsFunc(jr.params, func(r *fieldCheckRule) bool { return r.f.Name == k }) {
				out.Unknown = append(out.Unknown, k)
			}
		}
	}
	out.Data = checkFields(jr.data, d, "", "")
	for k := range d {
		if !slices.ContainsFunc(jr.data, func(r *fieldCheckRule) bool { return r.f.Name == k }) {
			name := k
			if outer != nil {
				name = jr.j.CarrierField + "." + k
			}
			out.Unknown = append(out.Unknown, name)
		}
	}
	sort.Strings(out.Unknown)
	out.Signature = checkSignature(jr.j.Signing, d, apiV2Key, override)
	out.Token = d["apply_permissions_token"]
	out.Package = d["package"]
	return out
}

func (jc *jumpChecker) carrierFields() []string {
	var out []string
	for _, jr := range jc.jumps {
		if !slices.Contains(out, jr.j.CarrierField) {
			out = append(out, jr.j.CarrierField)
		}
	}
	return out
}

// readPayload reads a JSON object (the whole call's parameters when it has a
// carrier member, else the business data) or a query string (business
// data). For parameters, data maps each carrier member to its decoded
// contents and carrierRaw keeps the member as received.
func readPayload(in string, carriers []string) (outer map[string]string, data map[string]map[string]string, carrierRaw map[string]string, err error) {
	switch {
	case in == "":
		return nil, nil, nil, errors.New("nothing to read: paste the object the front end passes to the jump call, its extraData, or its query string")
	case len(in) > maxJumpInput:
		return nil, nil, nil, fmt.Errorf("the payload is %d bytes; the console reads at most %d", len(in), maxJumpInput)
	case strings.HasPrefix(in, "{"):
		obj, err := kv.ParseJSONObject([]byte(in))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("not a JSON object: %w", err)
		}
		var hasCarrier bool
		for _, c := range carriers {
			if _, ok := obj[c]; ok {
				hasCarrier = true
			}
		}
		if !hasCarrier {
			return nil, map[string]map[string]string{"": obj}, nil, nil
		}
		data = map[string]map[string]string{}
		carrierRaw = map[string]string{}
		for _, c := range carriers {
			v, ok := obj[c]
			if !ok {
				continue
			}
			carrierRaw[c] = v
			if d, err := decodeCarrier(v); err == nil {
				data[c] = d
			} else {
				return nil, nil, nil, fmt.Errorf("%s: %w", c, err)
			}
		}
		return obj, data, carrierRaw, nil
	default:
		q := in
		if u, err := url.Parse(in); err == nil && u.RawQuery != "" && (u.Scheme != "" || strings.Contains(in, "?")) {
			q = u.RawQuery
		}
		q = strings.TrimPrefix(q, "?")
		m, err := kv.ParseForm([]byte(q))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("not a query string: %w", err)
		}
		if len(m) == 0 {
			return nil, nil, nil, errors.New("the query string has no parameters")
		}
		return nil, map[string]map[string]string{"": m}, nil, nil
	}
}

// decodeCarrier reads an extraData object (or a JSON string of one, as some
// front ends stringify it) or a query string.
func decodeCarrier(v string) (map[string]string, error) {
	t := strings.TrimSpace(v)
	if strings.HasPrefix(t, "{") {
		m, err := kv.ParseJSONObject([]byte(t))
		if err != nil {
			return nil, fmt.Errorf("not a JSON object: %w", err)
		}
		return m, nil
	}
	m, err := kv.ParseForm([]byte(t))
	if err != nil {
		return nil, fmt.Errorf("not a query string: %w", err)
	}
	return m, nil
}

// score says how well a payload fits the jump: matching constants count
// most, then known members; unknown and missing members count against.
func (jr *jumpRules) score(outer, data map[string]string, isQuery bool) int {
	if data == nil && outer != nil {
		return 0 // the jump's carrier is not in the parameters
	}
	s := 0
	if outer != nil {
		for _, r := range jr.params {
			v, ok := outer[r.f.Name]
			switch {
			case r.f.Const != "" && ok && v == r.f.Const:
				s += 10
			case r.f.Const != "" && ok:
				s -= 10
			case ok:
				s++
			case r.f.Required:
				s -= 2
			}
		}
		for k := range outer {
			if !slices.ContainsFunc(jr.params, func(r *fieldCheckRule) bool { return r.f.Name == k }) {
				s -= 3
			}
		}
	}
	known := 0
	for _, r := range jr.data {
		if _, ok := data[r.f.Name]; ok {
			known++
			s += 2
		} else if r.f.Required {
			s -= 2
		}
	}
	for k := range data {
		if !slices.ContainsFunc(jr.data, func(r *fieldCheckRule) bool { return r.f.Name == k }) {
			s -= 3
		}
	}
	if known == 0 {
		return 0
	}
	if isQuery && jr.j.Carrier != "query_string" {
		s -= 5
	}
	return max(s, 1) // any jump that shares a member is a candidate
}

// checkFields checks values against rules. carrier names the member that
// holds the business data: it is checked as received (its length, for a
// query string) rather than decoded.
func checkFields(rules []*fieldCheckRule, values map[string]string, carrier, carrierRaw string) []fieldResult {
	var out []fieldResult
	for _, r := range rules {
		v, present := values[r.f.Name]
		res := fieldResult{Name: r.f.Name, Title: r.f.Title, Value: v, Present: present}
		var c validate.Collector
		switch {
		case r.f.Name == carrier && r.f.Type == "object":
			if !present && r.f.Required {
				c.Add(r.f.Name, &validate.RequiredError{})
			}
			res.Value = carrierRaw
		case r.str != nil:
			c.String(r.f.Name, v, r.str)
		case r.num != nil:
			n, err := strconv.ParseInt(v, 10, 64)
			if present && err != nil {
				c.Add(r.f.Name, errors.New("must be an integer"))
			} else {
				c.Int(r.f.Name, n, present, r.num)
			}
		case r.f.Type == "object" && present && !json.Valid([]byte(v)):
			c.Add(r.f.Name, errors.New("must be a JSON object"))
		case !present && r.f.Required:
			c.Add(r.f.Name, &validate.RequiredError{})
		}
		if err := c.Err("jump"); err != nil {
			var errs *validate.Errors
			if errors.As(err, &errs) && len(errs.Fields) > 0 {
				msgs := make([]string, len(errs.Fields))
				for i, fe := range errs.Fields {
					msgs[i] = fe.Err.Error()
				}
				res.Problem = strings.Join(msgs, "; ")
			} else {
				res.Problem = err.Error()
			}
		}
		out = append(out, res)
	}
	return out
}

func checkSignature(sg *spec.Signing, data map[string]string, apiV2Key, override jumpsign.Secret) signatureResult {
	if sg == nil || sg.Algorithm == "none" || sg.Algorithm == "" {
		return signatureResult{Status: sigNone}
	}
	field := sg.SignField
	if field == "" {
		field = jumpsign.SignField
	}
	res := signatureResult{
		Algorithm: sg.Algorithm,
		Given:     data[field],
		Canonical: jumpsign.Canonical(data, field),
	}
	key := override
	res.KeySource = "the key entered with this payload"
	switch sg.Key {
	case "apiv2_key":
		res.KeyName = "the merchant's APIv2 key"
		if key == "" {
			key, res.KeySource = apiV2Key, "the simulator's APIv2 key (payscoregen sim prints it)"
		}
	case "merchant_secret":
		res.KeyName = "the merchant secret of the provider"
	default:
		res.KeyName = sg.Key
	}
	if key == "" {
		res.Status, res.KeySource = sigNoKey, ""
		return res
	}
	alg := jumpsign.Algorithm(sg.Algorithm)
	want, err := jumpsign.Sign(alg, data, key)
	if err != nil {
		res.Status = sigInvalid
		return res
	}
	res.Expected = want
	if res.Given != "" && jumpsign.Verify(alg, data, key, res.Given) {
		res.Status = sigValid
	} else {
		res.Status = sigInvalid
	}
	return res
}

// prettyJSON indents a JSON value for display; other text is returned as is.
func prettyJSON(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(strings.TrimSpace(s)), "", "  ") != nil {
		return s
	}
	return b.String()
}
