package ir

import (
	"slices"
	"strings"

	"github.com/payscoregen/payscoregen/internal/naming"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// JSModule is the mini-program JS helper of one package's jumps: the data
// of the templates under templates/.
type JSModule struct {
	Package string
	Pages   []*spec.File // provenance of the jumps it covers
	Opens   []*JSOpen
	Webs    []*JSWeb
	Returns []*JSReturn
	Types   []*JSType // data and return interfaces for the .d.ts
}

// JSOpen opens a target mini program: wx.openBusinessView when the base
// library supports it, wx.navigateToMiniProgram otherwise (either may be
// missing from the spec).
type JSOpen struct {
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

// JSWeb is a JSAPI (web page) jump: wx.checkJsApi, then wx.invoke.
type JSWeb struct {
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

// JSReturn is the return data of one referrer appId (scene 1038).
type JSReturn struct {
	AppID       string
	Scene       int
	Key         string // default jump name in results
	Type        string // d.ts interface of the data
	Fields      []*JSField
	PresentWhen []string
}

type JSField struct {
	Name      string
	TSType    string // string, number, boolean
	Kind      string // string, integer, boolean
	Required  bool
	MinLength int
	MaxLength int
	Doc       string
}

type JSType struct {
	Name   string
	Doc    string
	Fields []*JSField
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

func jsFields(fs []*spec.Field) []*JSField {
	var out []*JSField
	for _, f := range fs {
		jf := &JSField{Name: f.Name, Kind: string(f.Type), Required: f.Required, Doc: f.Title}
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

func (p *Package) js() {
	m := &JSModule{Package: p.Name}
	pages := map[*spec.File]bool{}
	addPage := func(f *spec.File) {
		if !pages[f] {
			pages[f] = true
			m.Pages = append(m.Pages, f)
		}
	}
	// Pair each wx.openBusinessView jump with the wx.navigateToMiniProgram
	// jump of the same page that carries the same data.
	var opens []*JSOpen
	paired := map[*spec.Jump]bool{}
	var mini, jumps []*spec.Jump
	for _, jp := range p.Jumps {
		jumps = append(jumps, jp.Spec)
	}
	for _, j := range jumps {
		if j.Platform == "miniprogram" {
			mini = append(mini, j)
		}
	}
	newOpen := func(j *spec.Jump) *JSOpen {
		o := &JSOpen{Title: j.Title, fields: fieldNames(j.Data), file: j.File}
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
		var same *JSOpen
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
	claim := func(pos spec.Pos, name string) {
		if names[name] {
			p.problem(pos, "js: two jump groups are both named %s; set the jumps' go_name or ids apart", name)
		}
		names[name] = true
	}
	byID := map[string]*spec.Jump{}
	dataOf := map[*spec.Jump]*Struct{}
	for _, j := range p.Jumps {
		byID[j.Spec.ID] = j.Spec
		dataOf[j.Spec] = j.Data
	}
	for _, o := range m.Opens {
		// The data interfaces are the Go data types, which jumps of one page share.
		o.DataTypes = nil
		for _, id := range o.JumpIDs {
			if name := dataOf[byID[id]].Name; !slices.Contains(o.DataTypes, name) {
				o.DataTypes = append(o.DataTypes, name)
			}
		}
		base := groupName(o.JumpIDs, "miniprogram")
		o.Key, o.Func = naming.Unexported(base), "open"+naming.Go(base)
		claim(byID[o.JumpIDs[0]].Pos, o.Func)
	}
	declared := map[string]bool{}
	for _, j := range mini {
		addPage(j.File)
		if name := dataOf[j].Name; !declared[name] {
			declared[name] = true
			m.Types = append(m.Types, &JSType{Name: name, Doc: j.Title + " (" + j.ID + ")", Fields: jsFields(j.Data)})
		}
	}
	for _, j := range jumps {
		if j.Platform != "jsapi" {
			continue
		}
		if j.Carrier != "query_string" {
			p.problem(j.At("carrier"), "js: jump %s: a JSAPI jump carries a query string", j.ID)
			continue
		}
		addPage(j.File)
		w := &JSWeb{Title: j.Title, Summaries: Lines(j.Summary), JumpIDs: []string{j.ID}, API: j.Call,
			BusinessType: j.BusinessType, CarrierField: j.CarrierField}
		if j.Requires != nil {
			w.MinWeChat, w.MinJSSDK = j.Requires.WeChat, j.Requires.JSSDK
		}
		base := groupName(w.JumpIDs, "jsapi")
		w.Key, w.Func = naming.Unexported(base)+"Web", "open"+naming.Go(base)+"Web"
		claim(j.Pos, w.Func)
		m.Webs = append(m.Webs, w)
	}
	// Return data, one entry per referrer appId seen in App.onShow.
	for _, j := range mini {
		r := j.Returns
		if r == nil || r.Scene == 0 || r.ReferrerAppID == "" {
			continue
		}
		var open *JSOpen
		for _, o := range m.Opens {
			if slices.Contains(o.JumpIDs, j.ID) {
				open = o
			}
		}
		var have *JSReturn
		for _, prev := range m.Returns {
			if prev.AppID == r.ReferrerAppID {
				have = prev
			}
		}
		if have != nil {
			if have.Scene != r.Scene || !slices.Equal(fieldNames(r.Fields), fieldNamesJS(have.Fields)) {
				p.problem(r.Pos, "js: jump %s: returns differ from another jump's returns for appId %s", j.ID, r.ReferrerAppID)
			}
			continue
		}
		ret := &JSReturn{AppID: r.ReferrerAppID, Scene: r.Scene, Key: open.Key, Fields: jsFields(r.Fields), PresentWhen: Lines(r.PresentWhen)}
		ret.Type = naming.Go(open.Key) + "ReturnData"
		m.Returns = append(m.Returns, ret)
		m.Types = append(m.Types, &JSType{Name: ret.Type, Doc: "return data of " + open.Func + " (referrerInfo.extraData)", Fields: ret.Fields})
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
		return
	}
	p.JS = m
}

func fieldNamesJS(fs []*JSField) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// add puts a jump's constants into the open.
func (o *JSOpen) add(j *spec.Jump) {
	o.JumpIDs = append(o.JumpIDs, j.ID)
	o.Summaries = append(o.Summaries, Lines(j.Summary)...)
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
