package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
	"github.com/payscoregen/payscoregen/templates"
)

// jsEmitter renders the mini-program JS helper of a package from templates/:
// js/<package>.js (CommonJS, so both mini programs and node --test can
// require it) and js/<package>.d.ts. Every constant in them (appIds, paths,
// businessTypes, version gates, return scenes and fields) comes from the
// spec through jsModule.
type jsEmitter struct{}

// jsRuntime is the name of the shared JS runtime module the package modules require.
const jsRuntime = "payscoregen"

// jsModule is the template data of one package's helper.
type jsModule struct {
	Header  string
	Package string
	Pages   []string // provenance of the jumps it covers
	Opens   []*jsOpen
	Webs    []*jsWeb
	Returns []*jsReturn
	Types   []*jsType // data and return interfaces for the .d.ts
}

// jsOpen opens a target mini program: wx.openBusinessView when the base
// library supports it, wx.navigateToMiniProgram otherwise (either may be
// missing from the spec).
type jsOpen struct {
	Func           string // openConfirmOrder
	Key            string // confirmOrder: the name in `jumps` and in return results
	Title          string
	Summaries      []string
	JumpIDs        []string
	BusinessType   string // "" without an openBusinessView jump
	MinBaseLibrary string
	AppID          string // "" without a navigateToMiniProgram jump
	Path           string
	DataTypes      []string // accepted extraData interfaces
	ReturnAppID    string   // appId whose return this open awaits ("" if none)
	ReturnsData    bool     // the jumps document return data (false: only the return itself is reported)
	// data field names, to find the open whose data a signature matches
	fields []string
	file   *spec.File
}

// jsWeb is a JSAPI (web page) jump: wx.checkJsApi, then wx.invoke.
type jsWeb struct {
	Func         string
	Key          string
	Title        string
	Summaries    []string
	JumpIDs      []string
	API          string // openBusinessView
	BusinessType string
	CarrierField string // queryString
	MinWeChat    string
	MinJSSDK     string
}

// jsReturn is the return data of one referrer appId (scene 1038).
type jsReturn struct {
	AppID       string
	Scene       int
	Key         string // default jump name in results
	Type        string // d.ts interface of the data
	Fields      []*jsField
	PresentWhen []string
}

type jsField struct {
	Name      string
	TSType    string // string, number, boolean
	Kind      string // string, integer, boolean
	Required  bool
	MinLength int
	MaxLength int
	Doc       string
}

type jsType struct {
	Name   string
	Doc    string
	Fields []*jsField
}

func (jsEmitter) emitText(p *Package) (Files, error) {
	m, err := jsModuleOf(p)
	if err != nil || m == nil {
		return nil, err
	}
	tmpl, err := template.New("js").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"join": strings.Join,
	}).ParseFS(templates.FS, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("js: templates: %w", err)
	}
	out := Files{}
	// The package module and, beside it, the runtime it requires. Every
	// package writes the same runtime bytes, so the tree holds it once.
	for _, f := range []struct {
		tmpl, path string
		data       any
	}{
		{"helper.js.tmpl", p.Name + ".js", m},
		{"helper.d.ts.tmpl", p.Name + ".d.ts", m},
		{"runtime.js.tmpl", jsRuntime + ".js", m},
		{"runtime.d.ts.tmpl", jsRuntime + ".d.ts", m},
	} {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, f.tmpl, f.data); err != nil {
			return nil, fmt.Errorf("js: %s: %w", f.tmpl, err)
		}
		out["js/"+f.path] = buf.Bytes()
	}
	return out, nil
}

func fieldNames(fs []*spec.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// groupName is the common prefix of the jump ids, without a trailing
// platform word: confirm_order_open_business_view + confirm_order_navigate
// -> confirm_order; authorize_jsapi -> authorize.
func groupName(ids []string, platform string) string {
	shared := naming.SharedPrefix(ids)
	if trimmed, ok := strings.CutSuffix(shared, "_"+platform); ok {
		shared = trimmed
	}
	if shared == "" {
		return ids[0]
	}
	return shared
}

func jsFields(fs []*spec.Field) []*jsField {
	var out []*jsField
	for _, f := range fs {
		jf := &jsField{Name: f.Name, Kind: string(f.Type), Required: f.Required, Doc: f.Title}
		switch f.Type {
		case "integer":
			jf.TSType = "number"
		case "boolean":
			jf.TSType = "boolean"
		default:
			jf.TSType = "string"
		}
		if f.MinLength != nil {
			jf.MinLength = *f.MinLength
		}
		if f.MaxLength != nil {
			jf.MaxLength = *f.MaxLength
		}
		out = append(out, jf)
	}
	return out
}

func jsModuleOf(p *Package) (*jsModule, error) {
	m := &jsModule{Header: Header, Package: p.Name}
	pages := map[*spec.File]bool{}
	addPage := func(f *spec.File) {
		if !pages[f] {
			pages[f] = true
			m.Pages = append(m.Pages, pageDoc(f))
		}
	}
	// Pair each wx.openBusinessView jump with the wx.navigateToMiniProgram
	// jump of the same page that carries the same data.
	var opens []*jsOpen
	paired := map[*spec.Jump]bool{}
	var mini []*spec.Jump
	for _, j := range p.Jumps {
		if j.Platform == "miniprogram" {
			mini = append(mini, j)
		}
	}
	newOpen := func(j *spec.Jump) *jsOpen {
		o := &jsOpen{Title: j.Title, fields: fieldNames(j.Data), file: j.File}
		o.add(j)
		return o
	}
	for _, j := range mini {
		if j.Call != "wx.openBusinessView" {
			continue
		}
		o := newOpen(j)
		paired[j] = true
		for _, n := range mini {
			if n.Call == "wx.navigateToMiniProgram" && !paired[n] && n.File == j.File && slices.Equal(fieldNames(n.Data), o.fields) {
				o.add(n)
				paired[n] = true
				break
			}
		}
		opens = append(opens, o)
	}
	for _, j := range mini {
		if !paired[j] {
			opens = append(opens, newOpen(j))
		}
	}
	// Merge opens with the same constants: one function takes either data form.
	for _, o := range opens {
		var same *jsOpen
		for _, prev := range m.Opens {
			if prev.BusinessType == o.BusinessType && prev.MinBaseLibrary == o.MinBaseLibrary && prev.AppID == o.AppID && prev.Path == o.Path {
				same = prev
			}
		}
		if same != nil {
			same.JumpIDs = append(same.JumpIDs, o.JumpIDs...)
			same.DataTypes = append(same.DataTypes, o.DataTypes...)
			for _, l := range o.Summaries {
				if !slices.Contains(same.Summaries, l) {
					same.Summaries = append(same.Summaries, l)
				}
			}
			if same.ReturnAppID == "" {
				same.ReturnAppID, same.ReturnsData = o.ReturnAppID, o.ReturnsData
			}
			continue
		}
		m.Opens = append(m.Opens, o)
	}
	names := map[string]bool{}
	claim := func(name string) error {
		if names[name] {
			return fmt.Errorf("js: two jump groups are both named %s", name)
		}
		names[name] = true
		return nil
	}
	plan := p.types()
	byID := map[string]*spec.Jump{}
	for _, j := range p.Jumps {
		byID[j.ID] = j
	}
	for _, o := range m.Opens {
		// The data interfaces are the Go data types, which jumps of one page share.
		o.DataTypes = nil
		for _, id := range o.JumpIDs {
			if name := plan.JumpData[byID[id]].Name; !slices.Contains(o.DataTypes, name) {
				o.DataTypes = append(o.DataTypes, name)
			}
		}
		base := groupName(o.JumpIDs, "miniprogram")
		o.Key, o.Func = naming.Unexported(base), "open"+naming.Go(base)
		if err := claim(o.Func); err != nil {
			return nil, err
		}
	}
	declared := map[string]bool{}
	for _, j := range mini {
		addPage(j.File)
		if name := plan.JumpData[j].Name; !declared[name] {
			declared[name] = true
			m.Types = append(m.Types, &jsType{Name: name, Doc: j.Title + " (" + j.ID + ")", Fields: jsFields(j.Data)})
		}
	}
	for _, j := range p.Jumps {
		if j.Platform != "jsapi" {
			continue
		}
		if j.Carrier != "query_string" {
			return nil, fmt.Errorf("js: jump %s: a JSAPI jump carries a query string", j.ID)
		}
		addPage(j.File)
		w := &jsWeb{Title: j.Title, Summaries: textLines(j.Summary), JumpIDs: []string{j.ID}, API: j.Call,
			BusinessType: j.BusinessType, CarrierField: j.CarrierField}
		if j.Requires != nil {
			w.MinWeChat, w.MinJSSDK = j.Requires.WeChat, j.Requires.JSSDK
		}
		base := groupName(w.JumpIDs, "jsapi")
		w.Key, w.Func = naming.Unexported(base)+"Web", "open"+naming.Go(base)+"Web"
		if err := claim(w.Func); err != nil {
			return nil, err
		}
		m.Webs = append(m.Webs, w)
	}
	// Return data, one entry per referrer appId seen in App.onShow.
	for _, j := range mini {
		r := j.Returns
		if r == nil || r.Scene == 0 || r.ReferrerAppID == "" {
			continue
		}
		var open *jsOpen
		for _, o := range m.Opens {
			if slices.Contains(o.JumpIDs, j.ID) {
				open = o
			}
		}
		var have *jsReturn
		for _, prev := range m.Returns {
			if prev.AppID == r.ReferrerAppID {
				have = prev
			}
		}
		if have != nil {
			if have.Scene != r.Scene || !slices.Equal(fieldNames(r.Fields), fieldNamesJS(have.Fields)) {
				return nil, fmt.Errorf("js: jump %s: returns differ from another jump's returns for appId %s", j.ID, r.ReferrerAppID)
			}
			continue
		}
		ret := &jsReturn{AppID: r.ReferrerAppID, Scene: r.Scene, Key: open.Key, Fields: jsFields(r.Fields), PresentWhen: textLines(r.PresentWhen)}
		ret.Type = naming.Go(open.Key) + "ReturnData"
		m.Returns = append(m.Returns, ret)
		m.Types = append(m.Types, &jsType{Name: ret.Type, Doc: "return data of " + open.Func + " (referrerInfo.extraData)", Fields: ret.Fields})
	}
	// An open without documented return data still comes back to its target's
	// appId: await that return too, so it is not taken for another jump's.
	for _, o := range m.Opens {
		for _, r := range m.Returns {
			if o.ReturnAppID == "" && o.AppID == r.AppID {
				o.ReturnAppID = r.AppID
			}
		}
	}
	if len(m.Opens) == 0 && len(m.Webs) == 0 {
		return nil, nil
	}
	return m, nil
}

func fieldNamesJS(fs []*jsField) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// add puts a jump's constants into the open.
func (o *jsOpen) add(j *spec.Jump) {
	o.JumpIDs = append(o.JumpIDs, j.ID)
	o.Summaries = append(o.Summaries, textLines(j.Summary)...)
	switch j.Call {
	case "wx.openBusinessView":
		o.BusinessType = j.BusinessType
		if j.Requires != nil {
			o.MinBaseLibrary = j.Requires.BaseLibrary
		}
	case "wx.navigateToMiniProgram":
		o.AppID, o.Path = j.AppID, j.Path
	}
	if j.Returns != nil && j.Returns.Scene != 0 && o.ReturnAppID == "" {
		o.ReturnAppID = j.Returns.ReferrerAppID
		o.ReturnsData = true
	}
}
