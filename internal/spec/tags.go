package spec

import (
	"reflect"
	"strings"
	"sync"
)

// keyInfo is what the struct tags say about one YAML key.
type keyInfo struct {
	Key      string
	Index    []int // path to the struct field, through inline structs
	Required bool
	Scalar   bool // any scalar is accepted and kept as its source text
	Enum     []string
	Type     reflect.Type
}

// structInfo lists the keys of a model struct in declaration order.
type structInfo struct {
	Keys   []keyInfo
	ByKey  map[string]int
	PosIdx int // index of the embedded Pos, -1 if none
}

var structInfos sync.Map // reflect.Type -> *structInfo

var posType = reflect.TypeOf(Pos{})

func infoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{ByKey: map[string]int{}, PosIdx: -1}
	si.add(t, nil)
	structInfos.Store(t, si)
	return si
}

// add lists the keys of t, whose fields are at index path prefix in the
// outer struct; a struct embedded with yaml:",inline" lends its keys.
func (si *structInfo) add(t reflect.Type, prefix []int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		index := append(append([]int(nil), prefix...), i)
		if f.Type == posType && f.Anonymous {
			if prefix == nil {
				si.PosIdx = i
			}
			continue
		}
		key := f.Tag.Get("yaml")
		if key == ",inline" && f.Anonymous && f.Type.Kind() == reflect.Struct {
			si.add(f.Type, index)
			continue
		}
		if key == "" || key == "-" {
			continue
		}
		ki := keyInfo{Key: key, Index: index, Type: f.Type}
		for _, opt := range strings.Split(f.Tag.Get("spec"), ",") {
			switch {
			case opt == "required":
				ki.Required = true
			case opt == "scalar":
				ki.Scalar = true
			case strings.HasPrefix(opt, "enum="):
				ki.Enum = strings.Split(strings.TrimPrefix(opt, "enum="), "|")
			}
		}
		si.ByKey[key] = len(si.Keys)
		si.Keys = append(si.Keys, ki)
	}
}

func (si *structInfo) keyNames() []string {
	names := make([]string, len(si.Keys))
	for i, k := range si.Keys {
		names[i] = k.Key
	}
	return names
}
