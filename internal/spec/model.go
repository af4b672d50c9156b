// Package spec is the typed model of the YAML files under spec/ and the
// loader that builds it. Every node keeps its source position so that each
// problem can be reported as file:line:col.
//
// Struct tags drive both the loader and the JSON Schema (see schema.go):
//
//	yaml:"key"                  the YAML key
//	spec:"required"             the key must be present
//	spec:"enum=a|b|c"           a string that must be one of the values
//	spec:"scalar"               any scalar (string, number, bool) kept as its source text
package spec

// Pos is a position in a spec file. Line and Col are 1-based.
type Pos struct {
	File string
	Line int
	Col  int
	keys []keyPos // value positions of a mapping's keys
}

// keyPos is where the value of one key of a mapping starts. A slice of
// these instead of a map: a spec holds one per mapping, and maps made the
// loaded spec several times the size of its YAML.
type keyPos struct {
	key       string
	line, col int32
}

// At returns the position of the value of key in the mapping at p, or p
// itself when the key is absent, so a problem points at the offending value.
func (p Pos) At(key string) Pos {
	for i := len(p.keys) - 1; i >= 0; i-- { // the last of duplicate keys, as a map would keep
		if k := p.keys[i]; k.key == key {
			return Pos{File: p.File, Line: int(k.line), Col: int(k.col)}
		}
	}
	return p
}

// Spec is every spec file under a directory, loaded and validated.
type Spec struct {
	Files []*File
}

// File is one spec file: one documentation page.
type File struct {
	Pos       `yaml:"-"`
	Path      string       `yaml:"-"` // relative to the spec directory, slash-separated
	Package   string       `yaml:"package" spec:"required"`
	Page      *Page        `yaml:"page" spec:"required"`
	API       *API         `yaml:"api"`
	Endpoints []*Endpoint  `yaml:"endpoints"`
	Callbacks []*Callback  `yaml:"callbacks"`
	Jumps     []*Jump      `yaml:"jumps"`
	Types     []*TypeDef   `yaml:"types"`
	Errors    []*ErrorCode `yaml:"errors"`
	ErrorSets []*ErrorSet  `yaml:"error_sets"`
	Errata    []*Erratum   `yaml:"errata"`
}

// Page is the provenance of a spec file: which doc page it transcribes.
type Page struct {
	Pos         `yaml:"-"`
	Title       string   `yaml:"title" spec:"required"`
	Updated     string   `yaml:"updated" spec:"required"` // as printed on the page, e.g. 2022.06.09
	URL         string   `yaml:"url"`                     // the official doc URL
	DocIDs      []string `yaml:"doc_ids"`                 // official doc ids
	Seed        string   `yaml:"seed"`                    // file name under shared/seeds; a page without one names its source
	SeedCopies  []string `yaml:"seed_copies"`             // other seeds holding the same page
	Section     string   `yaml:"section"`                 // heading inside the seed, when a seed holds several pages
	Source      string   `yaml:"source"`                  // where the page's facts come from when not a seed (reference/serviceorders.md §3 A4)
	Description string   `yaml:"description"`
}

// API says how the endpoints of a file are called.
type API struct {
	Pos     `yaml:"-"`
	Style   string `yaml:"style" spec:"required,enum=wechatpay-v3|form-md5"`
	BaseURL string `yaml:"base_url" spec:"required"`
	// VersionPrefix is the path prefix every endpoint path must start with (/v3/ for APIv3).
	VersionPrefix string `yaml:"version_prefix"`
}

// Kind is the JSON type of a field.
type Kind string

// The kinds a field can have.
const (
	KindString  Kind = "string"
	KindInteger Kind = "integer"
	KindBoolean Kind = "boolean"
	KindObject  Kind = "object"
	KindArray   Kind = "array"
)

// Format refines a string (or, for fen, an integer).
type Format string

// The formats a field can have.
const (
	FormatRFC3339     Format = "rfc3339"
	FormatDateTime    Format = "yyyyMMddHHmmss" // China time, to the second
	FormatDate        Format = "yyyyMMdd"       // China date
	FormatUnixSeconds Format = "unix_seconds"
	FormatURL         Format = "url"
	FormatJSON        Format = "json"
	FormatBase64      Format = "base64"
	FormatQueryString Format = "query_string"
	FormatFen         Format = "fen" // an integer amount in fen (分): Go int64
)

// IsTime reports whether f is a time format a string can be listed with in formats.
func (f Format) IsTime() bool {
	return f == FormatRFC3339 || f == FormatDateTime || f == FormatDate
}

// Field is a parameter, a response member, a callback member or a jump value:
// a name and a Schema.
type Field struct {
	Pos      `yaml:"-"`
	Name     string   `yaml:"name" spec:"required"`
	GoName   string   `yaml:"go_name"`
	Title    string   `yaml:"title"` // the Chinese parameter name column
	In       string   `yaml:"in" spec:"enum=path|query|body"`
	Required bool     `yaml:"required"`
	Aliases  []string `yaml:"aliases"`
	// Borrowed says which of the field's facts come from another mode's page.
	Borrowed string `yaml:"borrowed"`
	// Source says where the field comes from when it is not the page itself.
	Source string `yaml:"source"`
	Schema `yaml:",inline"`
}

// Schema is what a value is: its kind and constraints. A Field has one, and
// so does the items schema of an array.
type Schema struct {
	Type      Kind         `yaml:"type" spec:"enum=string|integer|boolean|object|array"` // object when ref is set
	Format    Format       `yaml:"format" spec:"enum=rfc3339|yyyyMMddHHmmss|yyyyMMdd|unix_seconds|url|json|base64|query_string|fen"`
	Formats   []Format     `yaml:"formats" spec:"enum=rfc3339|yyyyMMddHHmmss|yyyyMMdd"` // a string accepting any of these
	Literals  []string     `yaml:"literals"`                                            // extra values a formatted string accepts (OnAccept)
	MinLength *int         `yaml:"min_length"`
	MaxLength *int         `yaml:"max_length"`
	Minimum   *int64       `yaml:"minimum"`
	Maximum   *int64       `yaml:"maximum"`
	Enum      []*EnumValue `yaml:"enum"`
	// EnumName is the Go name of the enum type (default: the field's Go
	// name, or the parent's name in front of it when that is taken).
	EnumName    string `yaml:"enum_name"`
	Const       string `yaml:"const" spec:"scalar"` // a fixed value (固定配置)
	Pattern     string `yaml:"pattern"`             // RE2, anchored, allowed characters
	PatternText string `yaml:"pattern_text"`        // the doc's wording of the allowed characters
	// Reject4ByteUTF8 marks fields where the API refuses 4-byte UTF-8 (emoji).
	Reject4ByteUTF8 bool   `yaml:"reject_4byte_utf8"`
	Secret          bool   `yaml:"secret"` // never echoed, even its length is all errors say
	Example         string `yaml:"example" spec:"scalar"`
	Description     string `yaml:"description"`
	Erratum         string `yaml:"erratum"` // id of an erratum about this field
	// Members of an inline object, and the cross-field rules among them.
	Fields []*Field `yaml:"fields"`
	Rules  []*Rule  `yaml:"rules"`
	// Ref names a type of the spec's types; Require lists members of it this use requires.
	Ref     string   `yaml:"ref"`
	Require []string `yaml:"require"`
	// Items is the schema of an array's elements.
	Items    *Items `yaml:"items"`
	MinItems *int   `yaml:"min_items"`
	MaxItems *int   `yaml:"max_items"`

	// RefType is the type Ref names, set by the checks.
	RefType *TypeDef `yaml:"-"`
}

// Items is the schema of an array's elements: a field without name, in,
// required or title.
type Items struct {
	Pos    `yaml:"-"`
	Schema `yaml:",inline"`
}

// TypeDef is a named object type that fields reuse with ref. Its id is
// unique in the whole spec; its Go type is generated once, in the package of
// the file that declares it.
type TypeDef struct {
	Pos         `yaml:"-"`
	ID          string   `yaml:"id" spec:"required"`
	GoName      string   `yaml:"go_name"`
	Title       string   `yaml:"title" spec:"required"`
	Description string   `yaml:"description"`
	Source      string   `yaml:"source"`
	Fields      []*Field `yaml:"fields" spec:"required"`
	Rules       []*Rule  `yaml:"rules"`

	File *File `yaml:"-"`
}

// Rule is a cross-field rule over the fields of one level (an endpoint's
// request, a callback's plaintext, a type's or an object's members). Exactly
// one of its kinds is set.
type Rule struct {
	Pos          `yaml:"-"`
	ExactlyOneOf []string      `yaml:"exactly_one_of"`
	AtMostOneOf  []string      `yaml:"at_most_one_of"`
	RequiredWith *RequiredWith `yaml:"required_with"`
	Sum          *Sum          `yaml:"sum"`
	Description  string        `yaml:"description"` // the doc's words
}

// RequiredWith says Field is required when When has a value.
type RequiredWith struct {
	Pos   `yaml:"-"`
	Field string `yaml:"field" spec:"required"`
	When  string `yaml:"when" spec:"required"`
}

// Sum says Field equals the sum of Plus minus the sum of Minus. Plus and
// Minus name an integer field at the same level or array.member.
type Sum struct {
	Pos   `yaml:"-"`
	Field string `yaml:"field" spec:"required"`
	Plus  string `yaml:"plus"`
	Minus string `yaml:"minus"`
}

// EnumValue is one allowed value with the doc's meaning.
type EnumValue struct {
	Pos         `yaml:"-"`
	Value       string `yaml:"value" spec:"required,scalar"`
	GoName      string `yaml:"go_name"`
	Description string `yaml:"description" spec:"required"`
}

// Endpoint is one REST operation.
type Endpoint struct {
	Pos           `yaml:"-"`
	ID            string   `yaml:"id" spec:"required"`
	GoName        string   `yaml:"go_name"`
	Title         string   `yaml:"title" spec:"required"`
	Summary       string   `yaml:"summary" spec:"required"`
	AppliesTo     string   `yaml:"applies_to"`
	Method        string   `yaml:"method" spec:"required,enum=GET|POST|PUT|PATCH|DELETE"`
	Path          string   `yaml:"path" spec:"required"`
	ContentType   string   `yaml:"content_type" spec:"enum=json|form"`
	SuccessStatus int      `yaml:"success_status" spec:"required"`
	Request       []*Field `yaml:"request"`
	Rules         []*Rule  `yaml:"rules"` // cross-field rules over the request fields
	Response      []*Field `yaml:"response"`
	// Error sets (ids from error_sets) and codes of its own.
	ErrorSets       []string `yaml:"error_sets"`
	ErrorCodes      []string `yaml:"error_codes"`
	RequestExample  string   `yaml:"request_example"`
	ResponseExample string   `yaml:"response_example"`
	Notes           []string `yaml:"notes"`
	// Source says where the item comes from when it is not the seed page
	// itself (a newer doc revision, the reference notes).
	Source string `yaml:"source"`

	File *File `yaml:"-"`
}

// ErrorCode is one documented error code.
type ErrorCode struct {
	Pos         `yaml:"-"`
	Code        string `yaml:"code" spec:"required"`
	GoName      string `yaml:"go_name"`
	Status      int    `yaml:"status" spec:"required"`
	Description string `yaml:"description" spec:"required"`
	Solution    string `yaml:"solution" spec:"required"`
	Advice      string `yaml:"advice" spec:"required,enum=retry_same_params|back_off|fix_request|check_merchant|check_flow|nothing_to_do"`
	Erratum     string `yaml:"erratum"`
}

// ErrorSet is a named group of codes, such as the common codes of every endpoint.
type ErrorSet struct {
	Pos         `yaml:"-"`
	ID          string   `yaml:"id" spec:"required"`
	Description string   `yaml:"description"`
	Codes       []string `yaml:"codes" spec:"required"`
}

// Callback is a notification WeChat (or a payment provider) posts to the merchant.
type Callback struct {
	Pos      `yaml:"-"`
	ID       string `yaml:"id" spec:"required"`
	GoName   string `yaml:"go_name"`
	Title    string `yaml:"title" spec:"required"`
	Summary  string `yaml:"summary" spec:"required"`
	Method   string `yaml:"method" spec:"required,enum=POST"`
	Encoding string `yaml:"encoding" spec:"required,enum=json|form"`
	// Signature: how the request is authenticated.
	Signature  string    `yaml:"signature" spec:"required,enum=WECHATPAY2-SHA256-RSA2048|MD5"`
	Encryption string    `yaml:"encryption" spec:"enum=AEAD_AES_256_GCM"`
	Headers    []*Header `yaml:"headers"`
	Events     []*Event  `yaml:"events"`
	Envelope   []*Field  `yaml:"envelope"`
	Plaintext  []*Field  `yaml:"plaintext"` // the decrypted resource; events may carry their own
	OneOf      []*OneOf  `yaml:"one_of"`    // exactly_one_of rules, in their older spelling
	Rules      []*Rule   `yaml:"rules"`     // cross-field rules over the plaintext
	Ack        *Ack      `yaml:"ack" spec:"required"`
	Retry      *Retry    `yaml:"retry" spec:"required"`
	Notes      []string  `yaml:"notes"`
	Source     string    `yaml:"source"`

	File *File `yaml:"-"`
}

// Header is an HTTP header a callback carries.
type Header struct {
	Pos         `yaml:"-"`
	Name        string `yaml:"name" spec:"required"`
	Description string `yaml:"description" spec:"required"`
}

// Event is one event_type a callback can carry.
type Event struct {
	Pos     `yaml:"-"`
	Type    string `yaml:"type" spec:"required"`
	GoName  string `yaml:"go_name"`
	Summary string `yaml:"summary" spec:"required"`
	// Plaintext and Rules, when set, replace the callback's for this event.
	Plaintext []*Field `yaml:"plaintext"`
	Rules     []*Rule  `yaml:"rules"`
}

// OneOf is a group of plaintext fields of which exactly one is present.
type OneOf struct {
	Pos         `yaml:"-"`
	Name        string   `yaml:"name" spec:"required"`
	Fields      []string `yaml:"fields" spec:"required"`
	Description string   `yaml:"description"`
}

// Ack is how the merchant answers a callback.
type Ack struct {
	Pos             `yaml:"-"`
	SuccessStatuses []int    `yaml:"success_statuses" spec:"required"`
	SuccessBody     string   `yaml:"success_body"` // empty: no body
	FailureStatuses string   `yaml:"failure_statuses"`
	FailureBody     []*Field `yaml:"failure_body"`
	Deadline        string   `yaml:"deadline"` // e.g. 3s; a Go duration
}

// Retry is the delivery schedule after a failed or timed-out delivery.
type Retry struct {
	Pos `yaml:"-"`
	// Intervals between attempts, Go durations; the first is the delay of the first attempt.
	Intervals []string `yaml:"intervals" spec:"required"`
	Then      string   `yaml:"then"`    // repeat interval after the list, if any
	MaxAge    string   `yaml:"max_age"` // stop retrying after this long
}

// Jump is a front-end call that opens another mini program or page.
type Jump struct {
	Pos          `yaml:"-"`
	ID           string `yaml:"id" spec:"required"`
	GoName       string `yaml:"go_name"`
	Title        string `yaml:"title" spec:"required"`
	Summary      string `yaml:"summary" spec:"required"`
	Platform     string `yaml:"platform" spec:"required,enum=miniprogram|app|jsapi"`
	Call         string `yaml:"call" spec:"required,enum=wx.openBusinessView|wx.navigateToMiniProgram|WXOpenBusinessView|openBusinessView"`
	BusinessType string `yaml:"business_type"`
	AppID        string `yaml:"app_id"`
	Path         string `yaml:"path"`
	// Carrier is how the business data travels: an extraData object, a URL-encoded query string.
	Carrier      string    `yaml:"carrier" spec:"required,enum=extra_data|query_string"`
	CarrierField string    `yaml:"carrier_field" spec:"required"` // the outer parameter that holds it
	Params       []*Field  `yaml:"params" spec:"required"`        // the outer object's parameters
	Data         []*Field  `yaml:"data" spec:"required"`          // the business data
	Signing      *Signing  `yaml:"signing" spec:"required"`
	Requires     *Requires `yaml:"requires"`
	Returns      *Returns  `yaml:"returns"`
	Notes        []string  `yaml:"notes"`
	Source       string    `yaml:"source"`

	File *File `yaml:"-"`
}

// Signing is how a jump's business data is signed.
type Signing struct {
	Pos       `yaml:"-"`
	Algorithm string `yaml:"algorithm" spec:"required,enum=none|HMAC-SHA256|MD5"`
	// Key names the secret: the merchant's APIv2 key, or a provider's merchant secret.
	Key           string `yaml:"key" spec:"enum=apiv2_key|merchant_secret"`
	SignField     string `yaml:"sign_field"`
	SignTypeField string `yaml:"sign_type_field"`
	Erratum       string `yaml:"erratum"`
}

// Requires lists the version gates of a jump.
type Requires struct {
	Pos              `yaml:"-"`
	BaseLibrary      string `yaml:"base_library"`
	WeChat           string `yaml:"wechat"`
	OpenSDKAndroid   string `yaml:"opensdk_android"`
	OpenSDKIOS       string `yaml:"opensdk_ios"`
	JSSDK            string `yaml:"jssdk"`
	OldWeChatIOS     string `yaml:"old_wechat_ios"`     // what happens below the gate on iOS
	OldWeChatAndroid string `yaml:"old_wechat_android"` // and on Android
	JumpLimit        bool   `yaml:"counts_toward_jump_limit"`
}

// Returns is the data a jump hands back when the user comes back.
type Returns struct {
	Pos           `yaml:"-"`
	Scene         int      `yaml:"scene"` // mini-program scene value (1038); 0 for App/JSAPI callbacks
	ReferrerAppID string   `yaml:"referrer_app_id"`
	Fields        []*Field `yaml:"fields" spec:"required"`
	PresentWhen   string   `yaml:"present_when" spec:"required"`
	Notes         []string `yaml:"notes"`
}

// Erratum records a place where the doc contradicts itself.
type Erratum struct {
	Pos   `yaml:"-"`
	ID    string `yaml:"id" spec:"required"`
	Where string `yaml:"where" spec:"required"`
	Doc   string `yaml:"doc" spec:"required"`  // what the doc says, both sides
	Uses  string `yaml:"uses" spec:"required"` // what the generated code uses
	Why   string `yaml:"why" spec:"required"`
}
