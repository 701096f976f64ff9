//! The ONLY module with `unsafe`: hand-written Node-API declarations (the napi-rs crates cannot
//! be fetched offline) and the safe wrappers the rest of the addon uses.
//!
//! Declarations follow Node's `js_native_api.h` / `node_api.h` (Node-API version 8, available in
//! Node ≥ 12.22 and every Electron we ship). The symbols are resolved at load time from the host
//! process (node or electron), so the cdylib links with them undefined.
//!
//! Safety rules the wrappers enforce so callers cannot break them:
//! * every entry point goes through [`entry`], which catches panics (a panic never unwinds into
//!   V8) and turns `Err` into one JS exception (via `crate::error::throw`);
//! * a native object is wrapped as `Box<Box<dyn Any>>`, and [`CallCtx::this_mut`] downcasts, so
//!   `HmacSigner.prototype.sign.call(riskGate)` is an error, not type confusion; it can be taken
//!   only once per call, so no two `&mut` alias;
//! * slices handed out borrow the [`CallCtx`] (valid for the callback: V8 keeps the arguments
//!   alive and our code never calls back into JS, so nothing can detach or move them).
#![allow(non_camel_case_types)]

use std::any::Any;
use std::cell::Cell;
use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use crate::error::AddonError;

pub type napi_env = *mut c_void;
pub type napi_value = *mut c_void;
pub type napi_callback_info = *mut c_void;
pub type napi_ref = *mut c_void;
pub type napi_status = i32;
pub type napi_callback = Option<unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value>;
pub type napi_finalize = Option<unsafe extern "C" fn(napi_env, *mut c_void, *mut c_void)>;

const NAPI_OK: napi_status = 0;
const NAPI_DEFAULT_METHOD: i32 = 1 | 4; // napi_writable | napi_configurable

const TYPE_UNDEFINED: i32 = 0;
const TYPE_STRING: i32 = 4;
const TYPED_UINT8: i32 = 1;
const TYPED_FLOAT64: i32 = 8;

#[repr(C)]
struct napi_property_descriptor {
    utf8name: *const c_char,
    name: napi_value,
    method: napi_callback,
    getter: napi_callback,
    setter: napi_callback,
    value: napi_value,
    attributes: i32,
    data: *mut c_void,
}

extern "C" {
    fn napi_get_cb_info(
        env: napi_env,
        info: napi_callback_info,
        argc: *mut usize,
        argv: *mut napi_value,
        this_arg: *mut napi_value,
        data: *mut *mut c_void,
    ) -> napi_status;
    fn napi_get_new_target(
        env: napi_env,
        info: napi_callback_info,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_define_class(
        env: napi_env,
        name: *const c_char,
        length: usize,
        constructor: napi_callback,
        data: *mut c_void,
        property_count: usize,
        properties: *const napi_property_descriptor,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_create_function(
        env: napi_env,
        name: *const c_char,
        length: usize,
        cb: napi_callback,
        data: *mut c_void,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_wrap(
        env: napi_env,
        js_object: napi_value,
        native_object: *mut c_void,
        finalize_cb: napi_finalize,
        finalize_hint: *mut c_void,
        result: *mut napi_ref,
    ) -> napi_status;
    fn napi_unwrap(env: napi_env, js_object: napi_value, result: *mut *mut c_void) -> napi_status;
    fn napi_set_named_property(
        env: napi_env,
        object: napi_value,
        name: *const c_char,
        value: napi_value,
    ) -> napi_status;
    fn napi_typeof(env: napi_env, value: napi_value, result: *mut i32) -> napi_status;
    fn napi_get_undefined(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_get_value_double(env: napi_env, value: napi_value, result: *mut f64) -> napi_status;
    fn napi_get_value_string_utf8(
        env: napi_env,
        value: napi_value,
        buf: *mut c_char,
        bufsize: usize,
        result: *mut usize,
    ) -> napi_status;
    fn napi_create_uint32(env: napi_env, value: u32, result: *mut napi_value) -> napi_status;
    fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
    fn napi_create_string_utf8(
        env: napi_env,
        s: *const c_char,
        length: usize,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_create_string_latin1(
        env: napi_env,
        s: *const c_char,
        length: usize,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_create_error(
        env: napi_env,
        code: napi_value,
        msg: napi_value,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_throw(env: napi_env, error: napi_value) -> napi_status;
    fn napi_is_exception_pending(env: napi_env, result: *mut bool) -> napi_status;
    fn napi_get_buffer_info(
        env: napi_env,
        value: napi_value,
        data: *mut *mut c_void,
        length: *mut usize,
    ) -> napi_status;
    fn napi_create_buffer_copy(
        env: napi_env,
        length: usize,
        data: *const c_void,
        result_data: *mut *mut c_void,
        result: *mut napi_value,
    ) -> napi_status;
    fn napi_get_typedarray_info(
        env: napi_env,
        typedarray: napi_value,
        kind: *mut i32,
        length: *mut usize,
        data: *mut *mut c_void,
        arraybuffer: *mut napi_value,
        byte_offset: *mut usize,
    ) -> napi_status;
}

/// Signature of every callback this addon registers (safe: raw handles are opaque to callers).
pub type Callback = extern "C" fn(napi_env, napi_callback_info) -> napi_value;

fn to_napi(cb: Callback) -> unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value {
    cb
}

fn check(status: napi_status, what: &'static str) -> Result<(), AddonError> {
    if status == NAPI_OK {
        Ok(())
    } else {
        Err(AddonError::Napi(what, status))
    }
}

/// A Node-API environment handle, valid for the duration of one callback (or module init).
#[derive(Clone, Copy)]
pub struct Env(napi_env);

impl Env {
    pub fn undefined(self) -> Result<napi_value, AddonError> {
        let mut v = ptr::null_mut();
        check(
            unsafe { napi_get_undefined(self.0, &mut v) },
            "napi_get_undefined",
        )?;
        Ok(v)
    }

    pub fn u32(self, x: u32) -> Result<napi_value, AddonError> {
        let mut v = ptr::null_mut();
        check(
            unsafe { napi_create_uint32(self.0, x, &mut v) },
            "napi_create_uint32",
        )?;
        Ok(v)
    }

    pub fn f64(self, x: f64) -> Result<napi_value, AddonError> {
        let mut v = ptr::null_mut();
        check(
            unsafe { napi_create_double(self.0, x, &mut v) },
            "napi_create_double",
        )?;
        Ok(v)
    }

    pub fn string(self, s: &str) -> Result<napi_value, AddonError> {
        let mut v = ptr::null_mut();
        check(
            unsafe { napi_create_string_utf8(self.0, s.as_ptr().cast(), s.len(), &mut v) },
            "napi_create_string_utf8",
        )?;
        Ok(v)
    }

    /// For ASCII output (hex, base64): latin1 strings are created without UTF-8 decoding.
    pub fn ascii_string(self, s: &str) -> Result<napi_value, AddonError> {
        debug_assert!(s.is_ascii());
        let mut v = ptr::null_mut();
        check(
            unsafe { napi_create_string_latin1(self.0, s.as_ptr().cast(), s.len(), &mut v) },
            "napi_create_string_latin1",
        )?;
        Ok(v)
    }

    pub fn buffer_copy(self, bytes: &[u8]) -> Result<napi_value, AddonError> {
        let mut v = ptr::null_mut();
        let mut data = ptr::null_mut();
        check(
            unsafe {
                napi_create_buffer_copy(
                    self.0,
                    bytes.len(),
                    bytes.as_ptr().cast(),
                    &mut data,
                    &mut v,
                )
            },
            "napi_create_buffer_copy",
        )?;
        Ok(v)
    }

    pub fn set_named(
        self,
        object: napi_value,
        name: &'static str,
        value: napi_value,
    ) -> Result<(), AddonError> {
        let c = cstr(name);
        check(
            unsafe { napi_set_named_property(self.0, object, c.as_ptr().cast(), value) },
            "napi_set_named_property",
        )
    }

    pub fn function(self, name: &'static str, cb: Callback) -> Result<napi_value, AddonError> {
        let mut v = ptr::null_mut();
        check(
            unsafe {
                napi_create_function(
                    self.0,
                    name.as_ptr().cast(),
                    name.len(),
                    Some(to_napi(cb)),
                    ptr::null_mut(),
                    &mut v,
                )
            },
            "napi_create_function",
        )?;
        Ok(v)
    }

    /// A JS class whose constructor is `ctor` and whose prototype has `methods`.
    pub fn class(
        self,
        name: &'static str,
        ctor: Callback,
        methods: &[(&'static str, Callback)],
    ) -> Result<napi_value, AddonError> {
        let names: Vec<Vec<u8>> = methods.iter().map(|(n, _)| cstr(n)).collect();
        let props: Vec<napi_property_descriptor> = methods
            .iter()
            .zip(&names)
            .map(|((_, cb), n)| napi_property_descriptor {
                utf8name: n.as_ptr().cast(),
                name: ptr::null_mut(),
                method: Some(to_napi(*cb)),
                getter: None,
                setter: None,
                value: ptr::null_mut(),
                attributes: NAPI_DEFAULT_METHOD,
                data: ptr::null_mut(),
            })
            .collect();
        let mut v = ptr::null_mut();
        check(
            unsafe {
                napi_define_class(
                    self.0,
                    name.as_ptr().cast(),
                    name.len(),
                    Some(to_napi(ctor)),
                    ptr::null_mut(),
                    props.len(),
                    props.as_ptr(),
                    &mut v,
                )
            },
            "napi_define_class",
        )?;
        Ok(v)
    }

    /// Throws `Error(message)` with `error.code = code`, unless an exception is already pending.
    pub fn throw_error(self, code: &str, message: &str) {
        unsafe {
            let mut pending = false;
            if napi_is_exception_pending(self.0, &mut pending) == NAPI_OK && pending {
                return;
            }
            let (Ok(c), Ok(m)) = (self.string(code), self.string(message)) else {
                return;
            };
            let mut err = ptr::null_mut();
            if napi_create_error(self.0, c, m, &mut err) == NAPI_OK {
                napi_throw(self.0, err);
            }
        }
    }
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    v
}

const MAX_ARGS: usize = 10;

/// The arguments of one call.
pub struct CallCtx {
    pub env: Env,
    info: napi_callback_info,
    argc: usize,
    argv: [napi_value; MAX_ARGS],
    this: napi_value,
    this_taken: Cell<bool>,
    out_taken: Cell<bool>,
}

impl CallCtx {
    fn new(env: napi_env, info: napi_callback_info) -> Result<CallCtx, AddonError> {
        let mut argc = MAX_ARGS;
        let mut argv = [ptr::null_mut(); MAX_ARGS];
        let mut this = ptr::null_mut();
        check(
            unsafe {
                napi_get_cb_info(
                    env,
                    info,
                    &mut argc,
                    argv.as_mut_ptr(),
                    &mut this,
                    ptr::null_mut(),
                )
            },
            "napi_get_cb_info",
        )?;
        // Node fills missing arguments with `undefined`; argc is the count actually passed.
        Ok(CallCtx {
            env: Env(env),
            info,
            argc: argc.min(MAX_ARGS),
            argv,
            this,
            this_taken: Cell::new(false),
            out_taken: Cell::new(false),
        })
    }

    pub fn argc(&self) -> usize {
        self.argc
    }

    fn raw(&self, i: usize) -> napi_value {
        if i < MAX_ARGS {
            self.argv[i]
        } else {
            ptr::null_mut()
        }
    }

    fn type_of(&self, i: usize) -> i32 {
        let mut t = TYPE_UNDEFINED;
        let v = self.raw(i);
        if v.is_null() || unsafe { napi_typeof(self.env.0, v, &mut t) } != NAPI_OK {
            return TYPE_UNDEFINED;
        }
        t
    }

    /// A number argument; anything that is not a JS number reads as NaN (callers fail closed).
    #[inline]
    pub fn f64(&self, i: usize) -> f64 {
        let mut x = f64::NAN;
        let v = self.raw(i);
        if v.is_null() || unsafe { napi_get_value_double(self.env.0, v, &mut x) } != NAPI_OK {
            return f64::NAN;
        }
        x
    }

    /// A small non-negative integer (handle, enum code); anything else reads as `u32::MAX`.
    #[inline]
    pub fn code(&self, i: usize) -> u32 {
        let x = self.f64(i);
        if (0.0..4_294_967_295.0).contains(&x) && x.trunc() == x {
            x as u32
        } else {
            u32::MAX
        }
    }

    pub fn string(&self, i: usize, what: &'static str) -> Result<String, AddonError> {
        if self.type_of(i) != TYPE_STRING {
            return Err(AddonError::InvalidArgument(format!(
                "{} must be a string",
                what
            )));
        }
        let v = self.raw(i);
        let mut len = 0usize;
        check(
            unsafe { napi_get_value_string_utf8(self.env.0, v, ptr::null_mut(), 0, &mut len) },
            "napi_get_value_string_utf8",
        )?;
        let mut buf = vec![0u8; len + 1];
        let mut written = 0usize;
        check(
            unsafe {
                napi_get_value_string_utf8(
                    self.env.0,
                    v,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    &mut written,
                )
            },
            "napi_get_value_string_utf8",
        )?;
        buf.truncate(written);
        String::from_utf8(buf)
            .map_err(|_| AddonError::InvalidArgument(format!("{} is not valid UTF-8", what)))
    }

    /// Calls `f` with the bytes of a string (UTF-8) or Buffer/Uint8Array argument, without
    /// allocating for strings shorter than ~1 KiB. The bytes copied out of a string are zeroed
    /// afterwards, since this path also carries secrets.
    pub fn with_bytes<R>(
        &self,
        i: usize,
        what: &'static str,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Result<R, AddonError> {
        let v = self.raw(i);
        match self.type_of(i) {
            TYPE_STRING => {
                let mut stack = [0u8; 1024];
                let mut written = 0usize;
                check(
                    unsafe {
                        napi_get_value_string_utf8(
                            self.env.0,
                            v,
                            stack.as_mut_ptr().cast(),
                            stack.len(),
                            &mut written,
                        )
                    },
                    "napi_get_value_string_utf8",
                )?;
                // V8 stops before a character that does not fit, so only a result with < 4 bytes
                // of room left may be truncated: then size it exactly.
                if written + 4 < stack.len() {
                    let r = f(&stack[..written]);
                    zero(&mut stack[..written]);
                    return Ok(r);
                }
                zero(&mut stack);
                let mut len = 0usize;
                check(
                    unsafe {
                        napi_get_value_string_utf8(self.env.0, v, ptr::null_mut(), 0, &mut len)
                    },
                    "napi_get_value_string_utf8",
                )?;
                let mut heap = vec![0u8; len + 1];
                check(
                    unsafe {
                        napi_get_value_string_utf8(
                            self.env.0,
                            v,
                            heap.as_mut_ptr().cast(),
                            heap.len(),
                            &mut written,
                        )
                    },
                    "napi_get_value_string_utf8",
                )?;
                let r = f(&heap[..written]);
                zero(&mut heap);
                Ok(r)
            }
            _ => {
                let mut data = ptr::null_mut();
                let mut len = 0usize;
                if v.is_null()
                    || unsafe { napi_get_buffer_info(self.env.0, v, &mut data, &mut len) }
                        != NAPI_OK
                {
                    return Err(AddonError::InvalidArgument(format!(
                        "{} must be a string or a Buffer",
                        what
                    )));
                }
                let bytes: &[u8] = if len == 0 {
                    &[]
                } else {
                    unsafe { std::slice::from_raw_parts(data as *const u8, len) }
                };
                Ok(f(bytes))
            }
        }
    }

    fn typed_array(
        &self,
        i: usize,
        kind: i32,
        what: &'static str,
    ) -> Result<(*mut c_void, usize), AddonError> {
        let v = self.raw(i);
        let mut t = -1;
        let mut len = 0usize;
        let mut data = ptr::null_mut();
        let mut ab = ptr::null_mut();
        let mut off = 0usize;
        if v.is_null()
            || unsafe {
                napi_get_typedarray_info(
                    self.env.0, v, &mut t, &mut len, &mut data, &mut ab, &mut off,
                )
            } != NAPI_OK
            || t != kind
        {
            return Err(AddonError::InvalidArgument(format!(
                "{} has the wrong type",
                what
            )));
        }
        Ok((data, len))
    }

    /// A read-only Float64Array and a writable Uint8Array that must not overlap in memory
    /// (checked: overlapping `&[f64]` and `&mut [u8]` would be undefined behaviour). The `&mut`
    /// borrows JS memory, not `self`; it is handed out at most once per call (no aliasing).
    #[allow(clippy::mut_from_ref)]
    pub fn f64_in_u8_out(
        &self,
        i_in: usize,
        i_out: usize,
    ) -> Result<(&[f64], &mut [u8]), AddonError> {
        if self.out_taken.replace(true) {
            return Err(AddonError::InvalidArgument(
                "output already borrowed".into(),
            ));
        }
        let (din, nin) = self.typed_array(i_in, TYPED_FLOAT64, "orders (Float64Array)")?;
        let (dout, nout) = self.typed_array(i_out, TYPED_UINT8, "out (Uint8Array)")?;
        let (a0, a1) = (din as usize, din as usize + nin * 8);
        let (b0, b1) = (dout as usize, dout as usize + nout);
        if nin > 0 && nout > 0 && a0 < b1 && b0 < a1 {
            return Err(AddonError::InvalidArgument(
                "orders and out must not share memory".into(),
            ));
        }
        // Float64Array data is 8-byte aligned by construction (byteOffset % 8 == 0).
        let input: &[f64] = if nin == 0 {
            &[]
        } else {
            unsafe { std::slice::from_raw_parts(din as *const f64, nin) }
        };
        let output: &mut [u8] = if nout == 0 {
            &mut []
        } else {
            unsafe { std::slice::from_raw_parts_mut(dout as *mut u8, nout) }
        };
        Ok((input, output))
    }

    /// Attaches `value` to `this` (constructor calls only); freed when the JS object is collected.
    pub fn wrap_this<T: 'static>(&self, value: T) -> Result<napi_value, AddonError> {
        let mut target = ptr::null_mut();
        check(
            unsafe { napi_get_new_target(self.env.0, self.info, &mut target) },
            "napi_get_new_target",
        )?;
        if target.is_null() {
            return Err(AddonError::InvalidArgument(
                "class constructor must be called with new".into(),
            ));
        }
        let boxed: Box<Box<dyn Any>> = Box::new(Box::new(value));
        let raw = Box::into_raw(boxed);
        let status = unsafe {
            napi_wrap(
                self.env.0,
                self.this,
                raw.cast(),
                Some(finalize_boxed),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if status != NAPI_OK {
            drop(unsafe { Box::from_raw(raw) });
            return Err(AddonError::Napi("napi_wrap", status));
        }
        Ok(self.this)
    }

    /// The native object behind `this`, if it is a `T` (at most once per call, so the `&mut`
    /// — which points into the wrapped heap object, not into `self` — never aliases).
    #[allow(clippy::mut_from_ref)]
    pub fn this_mut<T: 'static>(&self) -> Result<&mut T, AddonError> {
        if self.this_taken.replace(true) {
            return Err(AddonError::InvalidArgument(
                "receiver already borrowed".into(),
            ));
        }
        let mut raw = ptr::null_mut();
        if unsafe { napi_unwrap(self.env.0, self.this, &mut raw) } != NAPI_OK || raw.is_null() {
            return Err(AddonError::InvalidArgument(
                "method called on an object that is not a native instance".into(),
            ));
        }
        let any: &mut Box<dyn Any> = unsafe { &mut *(raw as *mut Box<dyn Any>) };
        any.downcast_mut::<T>().ok_or_else(|| {
            AddonError::InvalidArgument("method called on an instance of another class".into())
        })
    }
}

unsafe extern "C" fn finalize_boxed(_env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    if !data.is_null() {
        // Dropping may run arbitrary Drop code; never let a panic cross into V8's GC.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            drop(Box::from_raw(data as *mut Box<dyn Any>))
        }));
    }
}

fn zero(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // Volatile so the optimiser cannot drop the wipe of a buffer that is about to die.
        unsafe { ptr::write_volatile(b, 0) };
    }
}

/// Runs one callback: builds the call context, catches panics, maps errors to one JS exception.
#[inline]
pub fn entry(
    env: napi_env,
    info: napi_callback_info,
    label: &'static str,
    f: impl FnOnce(&CallCtx) -> Result<napi_value, AddonError>,
) -> napi_value {
    let result = catch_unwind(AssertUnwindSafe(|| {
        CallCtx::new(env, info).and_then(|cx| f(&cx))
    }));
    match result {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            crate::error::throw(Env(env), &e);
            ptr::null_mut()
        }
        Err(_) => {
            crate::error::throw(Env(env), &AddonError::Panic(label));
            ptr::null_mut()
        }
    }
}

/// Module initialisation entry (same panic/error discipline as [`entry`]).
pub fn init(
    env: napi_env,
    exports: napi_value,
    f: impl FnOnce(Env, napi_value) -> Result<(), AddonError>,
) -> napi_value {
    match catch_unwind(AssertUnwindSafe(|| f(Env(env), exports))) {
        Ok(Ok(())) => exports,
        Ok(Err(e)) => {
            crate::error::throw(Env(env), &e);
            ptr::null_mut()
        }
        Err(_) => {
            crate::error::throw(Env(env), &AddonError::Panic("module init"));
            ptr::null_mut()
        }
    }
}

/// Node-API module registration: Node looks these two symbols up when it `dlopen`s the addon.
#[no_mangle]
pub extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    init(env, exports, crate::register)
}

/// Declares the Node-API version this addon was written against (8).
#[no_mangle]
pub extern "C" fn node_api_module_get_api_version_v1() -> i32 {
    8
}
