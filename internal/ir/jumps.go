package ir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// Jump is the plan of one front-end jump: its structs, constants, and how
// its builder fills and signs the data.
type Jump struct {
	Spec *spec.Jump
	Name string // NewX builds it
	// Data is the business data; jumps of one page with the same data share
	// it (DeclareData is set on the first of them). Params are the outer
	// call's parameters; Back is the return data, when documented.
	Data, Params, Back *Struct
	DeclareData        bool
	DeclareBack        bool

	Carrier  *Field            // the params field holding the data
	Consts   map[*Field]string // fixed params and data fields -> const name
	Defaults map[*Field]string // params with a default -> const name
	// DefaultValues are the compacted JSON defaults of Defaults.
	DefaultValues map[*Field]string

	Signed    bool
	Alg       string // jumpsign constant: HMACSHA256Algo or MD5Algo
	KeyParam  string // apiV2Key or merchantKey
	Sign      *Field
	SignType  *Field
	Timestamp *Field
	Nonce     *Field
}

// nonceFields are the wire names a signed builder fills with a fresh nonce.
// The spec has no marker for the role; these are the names the doc pages use.
var nonceFields = map[string]bool{"nonce_str": true, "nonce": true}

// jumpGroup is the jumps of one page that share a type.
type jumpGroup struct {
	name    string // Go name stem of the shared type
	members []*spec.Jump
}

// users names the jumps of a shared type, for its doc comment.
func (g *jumpGroup) users() string {
	if len(g.members) < 2 {
		return ""
	}
	var names []string
	for _, j := range g.members {
		names = append(names, "New"+j.Ident())
	}
	return "s (" + strings.Join(names, ", ") + ")"
}

// groupJumps groups the jumps of each file by key (an empty key never
// groups) and names each group after the longest run of leading words its
// ids share, or after its only jump.
func groupJumps(jumps []*spec.Jump, key func(*spec.Jump) string) map[*spec.Jump]*jumpGroup {
	byKey := map[string]*jumpGroup{}
	out := map[*spec.Jump]*jumpGroup{}
	for _, j := range jumps {
		k := key(j)
		if k == "" {
			out[j] = &jumpGroup{name: j.Ident(), members: []*spec.Jump{j}}
			continue
		}
		k = j.File.Path + "\x00" + k
		g := byKey[k]
		if g == nil {
			g = &jumpGroup{}
			byKey[k] = g
		}
		g.members = append(g.members, j)
		out[j] = g
	}
	for _, g := range out {
		if g.name != "" {
			continue
		}
		ids := make([]string, len(g.members))
		for i, j := range g.members {
			ids[i] = j.ID
		}
		if g.name = g.members[0].Ident(); len(g.members) > 1 {
			if shared := naming.SharedPrefix(ids); shared != "" {
				g.name = naming.Go(shared)
			}
		}
	}
	return out
}

// fieldsKey is everything about fields that shapes generated code or its
// docs, so equal keys mean one type serves both: every spec key, read by
// reflection so a new key cannot be forgotten (positions and resolved
// pointers left out).
func fieldsKey(fields []*spec.Field) string {
	var b strings.Builder
	writeKey(&b, reflect.ValueOf(fields))
	return b.String()
}

var posType = reflect.TypeOf(spec.Pos{})

func writeKey(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		writeKey(b, v.Elem())
	case reflect.Slice:
		fmt.Fprintf(b, "[%d:", v.Len())
		for i := range v.Len() {
			writeKey(b, v.Index(i))
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case reflect.Struct:
		b.WriteByte('{')
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Type == posType || !f.IsExported() || f.Tag.Get("yaml") == "-" {
				continue
			}
			b.WriteString(f.Name + "=")
			writeKey(b, v.Field(i))
			b.WriteByte(';')
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "%q", fmt.Sprint(v.Interface()))
	}
}

func (pkg *Package) jumps() {
	var all []*spec.Jump
	for _, f := range pkg.Files {
		all = append(all, f.Jumps...)
	}
	if len(all) == 0 {
		return
	}
	dataOf := groupJumps(all, func(j *spec.Jump) string { return fieldsKey(j.Data) })
	backOf := groupJumps(all, func(j *spec.Jump) string {
		if j.Returns == nil {
			return ""
		}
		r := j.Returns
		return fmt.Sprintf("%d|%s|%s|%s", r.Scene, r.ReferrerAppID, r.PresentWhen, fieldsKey(r.Fields))
	})
	shared := map[string]*Struct{}
	for _, j := range all {
		jp := &Jump{Spec: j, Name: "New" + j.Ident(), Consts: map[*Field]string{}, Defaults: map[*Field]string{}, DefaultValues: map[*Field]string{}}
		g := dataOf[j]
		name := g.name + "Data"
		if jp.Data = shared[name]; jp.Data == nil {
			doc := []string{fmt.Sprintf("%s is the business data (%s) of the %s jump%s.", name, j.CarrierField, j.Title, g.users())}
			if len(g.members) == 1 { // a shared type's summary would name one call only
				doc = append(doc, paragraphs(j.Summary)...)
			}
			jp.Data = pkg.newStruct(j.Pos, name, doc, j.File)
			pkg.fill(jp.Data, j.Data, nil, "data")
			pkg.addStruct(jp.Data)
			shared[name] = jp.Data
			jp.DeclareData = true
		}
		jp.Params = pkg.jumpParams(j, jp.Data)
		if j.Returns != nil {
			g = backOf[j]
			back := g.name + "Return"
			if jp.Back = shared[back]; jp.Back == nil {
				doc := append([]string{fmt.Sprintf("%s is what the %s jump%s hands back.", back, j.Title, g.users())},
					paragraphs(j.Returns.PresentWhen)...)
				jp.Back = pkg.newStruct(j.Returns.Pos, back, doc, j.File)
				pkg.fill(jp.Back, j.Returns.Fields, nil, "returns")
				pkg.addStruct(jp.Back)
				shared[back] = jp.Back
				jp.DeclareBack = true
				pkg.flat(jp.Back, j.Returns.Pos, "jump "+j.ID+" returns")
				pkg.claim(j.Returns.Pos, "jump "+j.ID, "Parse"+back)
			}
		}
		pkg.planJump(jp)
		pkg.Jumps = append(pkg.Jumps, jp)
	}
}

// jumpParams builds <Jump>Params, the parameters of the front-end call
// (businessType, appId, path, extInfo ... and the carrier). An object
// parameter is the carrier: its type is the jump's data struct, so the data
// is declared and validated once.
func (pkg *Package) jumpParams(j *spec.Jump, data *Struct) *Struct {
	name := j.Ident() + "Params"
	doc := append([]string{fmt.Sprintf("%s are the parameters of %s for the %s jump, ready to JSON-encode for the "+
		"front end (build them with New%s).", name, j.Call, j.Title, j.Ident())}, paragraphs(j.Summary)...)
	s := pkg.newStruct(j.Pos, name, doc, j.File)
	var plain []*spec.Field
	for _, f := range j.Params {
		if f.Type != spec.KindObject {
			plain = append(plain, f)
		}
	}
	pkg.fill(s, plain, nil, "params")
	// Put the carrier object back at its place, typed as the data struct.
	var fields []*Field
	i := 0
	for _, f := range j.Params {
		if f.Type == spec.KindObject {
			fields = append(fields, &Field{Spec: f, Name: f.Ident(), Wire: f.Name, InJSON: true,
				Type: &Type{Kind: StructK, Struct: data}, Tag: f.Name + ",omitzero", Check: &Check{Nested: true}})
			continue
		}
		fields = append(fields, s.Fields[i])
		i++
	}
	s.Fields = fields
	pkg.addStruct(s)
	return s
}

func (pkg *Package) planJump(jp *Jump) {
	j := jp.Spec
	what := "jump " + j.ID
	id := j.Ident()
	for _, f := range jp.Data.Fields {
		switch f.Type.Kind {
		case String, Enum, Int:
		default:
			pkg.problem(f.Spec.Pos, "%s: data field %s: only string and integer fields can be signed or put into a query string", what, f.Wire)
		}
		if f.Spec.Const != "" {
			jp.Consts[f] = id + f.Name
		}
	}
	for _, f := range jp.Params.Fields {
		switch {
		case f.Type.Kind == StructK:
			if f.Wire != j.CarrierField || j.Carrier != "extra_data" {
				pkg.problem(f.Spec.Pos, "%s: object parameter %s is not the extra_data carrier (carrier_field %s)", what, f.Wire, j.CarrierField)
			}
			jp.Carrier = f
		case f.Wire == j.CarrierField:
			if j.Carrier != "query_string" || f.Type.Kind != String {
				pkg.problem(f.Spec.Pos, "%s: carrier parameter %s must be a string for carrier query_string", what, f.Wire)
			}
			jp.Carrier = f
		case f.Spec.Const != "":
			jp.Consts[f] = id + f.Name
		case defaultOf(f.Spec) != "":
			jp.Defaults[f] = id + "Default" + f.Name
			jp.DefaultValues[f] = defaultOf(f.Spec)
		case f.Spec.Required:
			pkg.problem(f.Spec.Pos, "%s: required parameter %s is neither fixed (const), the carrier, nor has a default (a JSON example)", what, f.Wire)
		case !f.Type.Flat():
			pkg.problem(f.Spec.Pos, "%s: parameter %s: only string, integer and boolean parameters are supported", what, f.Wire)
		}
	}
	if jp.Carrier == nil {
		pkg.problem(j.At("carrier_field"), "%s: no parameter named carrier_field %s", what, j.CarrierField)
	}
	// The jump's own appId, path and businessType must agree with the fixed parameters.
	for _, kv := range [][2]string{{"appId", j.AppID}, {"path", j.Path}, {"businessType", j.BusinessType}} {
		for f := range jp.Consts {
			if f.Wire == kv[0] && kv[1] != "" && f.Spec.Const != kv[1] {
				pkg.problem(f.Spec.At("const"), "%s: parameter %s is fixed to %q but the jump says %q", what, kv[0], f.Spec.Const, kv[1])
			}
		}
	}
	var names []string
	for _, n := range jp.Consts {
		names = append(names, n)
	}
	for _, n := range jp.Defaults {
		names = append(names, n)
	}
	pkg.claim(j.Pos, what, append(names, jp.Name)...)
	if j.Signing == nil {
		return
	}
	switch j.Signing.Algorithm {
	case "HMAC-SHA256":
		jp.Alg = "HMACSHA256Algo"
	case "MD5":
		jp.Alg = "MD5Algo"
	default:
		return
	}
	jp.Signed = true
	switch j.Signing.Key {
	case "apiv2_key":
		jp.KeyParam = "apiV2Key"
	case "merchant_secret":
		jp.KeyParam = "merchantKey"
	default:
		pkg.problem(j.Signing.Pos, "%s: signing.key must say which key signs (apiv2_key or merchant_secret)", what)
	}
	signField := j.Signing.SignField
	if signField == "" {
		signField = "sign"
	}
	for _, f := range jp.Data.Fields {
		switch {
		case f.Wire == signField:
			jp.Sign = f
		case f.Wire == j.Signing.SignTypeField:
			jp.SignType = f
		case f.Spec.Format == spec.FormatUnixSeconds:
			jp.Timestamp = f
		case nonceFields[f.Wire]:
			jp.Nonce = f
		}
	}
	if jp.Sign == nil || jp.Sign.Type.Kind != String {
		pkg.problem(j.Signing.Pos, "%s: signed data has no string field %s", what, signField)
		jp.Signed = false
	}
	if j.Signing.SignTypeField != "" && (jp.SignType == nil || jp.SignType.Spec.Const == "") {
		pkg.problem(j.Signing.At("sign_type_field"), "%s: sign_type_field %s must name a fixed (const) data field", what, j.Signing.SignTypeField)
	}
}

// defaultOf is the default of a JSON parameter: its example, compacted, when
// the example is a JSON object (extInfo {"miniProgramType": 0}).
func defaultOf(f *spec.Field) string {
	if f.Format != spec.FormatJSON || f.Example == "" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(f.Example)); err != nil || !strings.HasPrefix(b.String(), "{") {
		return ""
	}
	return b.String()
}
