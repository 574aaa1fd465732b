//! Short names for what the wasm imports from its JS glue. wasm-bindgen names each import
//! `__wbg_<method>_<16 hex digits>` and writes every name twice: in the wasm's import section and
//! as a key of the glue's imports object. Hex digits do not compress, so renaming both copies to
//! `a`, `b`, … takes about 4.5 KB off the brotli download (measured on the console, README "The
//! download"). Only the names change; the modules, kinds and order of the imports stay.

/// The wasm and its glue with every hashed import name shortened, the same name in both. A wasm
/// without such names (already shortened) comes back unchanged.
pub fn shorten(wasm: &[u8], js: &str) -> Result<(Vec<u8>, String), String> {
    const HEADER: &[u8] = b"\0asm\x01\0\0\0";
    if !wasm.starts_with(HEADER) {
        return Err("not a WebAssembly module".into());
    }
    let mut out = HEADER.to_vec();
    let mut renamed: Vec<(String, String)> = vec![];
    let mut r = Reader {
        bytes: wasm,
        at: HEADER.len(),
    };
    while !r.done() {
        let id = r.byte()?;
        let len = r.uleb()?;
        let body = r.take(len)?;
        let body = if id == IMPORT_SECTION {
            rename_imports(body, &mut renamed)?
        } else {
            body.to_vec()
        };
        out.push(id);
        write_uleb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    let mut js = js.to_owned();
    for (long, short) in &renamed {
        let (next, count) = replace_identifier(&js, long, short);
        if count == 0 {
            return Err(format!(
                "the JS glue does not define the wasm's import {long}"
            ));
        }
        js = next;
    }
    Ok((out, js))
}

const IMPORT_SECTION: u8 = 2;

/// The import section again, each hashed name replaced by the next short one.
fn rename_imports(body: &[u8], renamed: &mut Vec<(String, String)>) -> Result<Vec<u8>, String> {
    let mut r = Reader { bytes: body, at: 0 };
    let count = r.uleb()?;
    let mut out = vec![];
    write_uleb(&mut out, count);
    for _ in 0..count {
        let module = r.name()?;
        let mut field = r.name()?.to_owned();
        let kind_at = r.at;
        r.skip_import_kind()?;
        if is_hashed(&field) {
            let short = short_name(renamed.len());
            renamed.push((std::mem::replace(&mut field, short.clone()), short));
        }
        for name in [module, field.as_str()] {
            write_uleb(&mut out, name.len() as u64);
            out.extend_from_slice(name.as_bytes());
        }
        out.extend_from_slice(&body[kind_at..r.at]);
    }
    if !r.done() {
        return Err("unexpected bytes after the imports".into());
    }
    Ok(out)
}

/// `__wbg_<name>_<16 lowercase hex digits>`: wasm-bindgen's name for an imported JS function.
fn is_hashed(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("__wbg_") else {
        return false;
    };
    let hex = rest.len() >= 17 && rest.as_bytes()[rest.len() - 17] == b'_';
    hex && rest[rest.len() - 16..]
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// a … Z, then aa, ba, …: letters first, so each is a plain JS property name, and never `__`,
/// so none meets a name wasm-bindgen keeps (`__wbindgen_…`).
fn short_name(mut n: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut s = String::from(FIRST[n % FIRST.len()] as char);
    n /= FIRST.len();
    while n > 0 {
        s.push(REST[n % REST.len()] as char);
        n /= REST.len();
    }
    s
}

/// `text` with every whole-identifier `from` replaced by `to`, and how many there were.
fn replace_identifier(text: &str, from: &str, to: &str) -> (String, usize) {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(ident) || after.is_some_and(ident) {
            out.push_str(from);
        } else {
            out.push_str(to);
            count += 1;
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    (out, count)
}

fn write_uleb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("the module ends early")?;
        self.at += 1;
        Ok(b)
    }

    fn uleb(&mut self) -> Result<u64, String> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(n);
            }
        }
        Err("a number is too long".into())
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], String> {
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| self.at.checked_add(len))
            .filter(|&end| end <= self.bytes.len())
            .ok_or("a section ends past the module")?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let len = self.uleb()?;
        std::str::from_utf8(self.take(len)?).map_err(|_| "a name is not UTF-8".into())
    }

    /// Past an import's description: a function, table, memory, global or tag.
    fn skip_import_kind(&mut self) -> Result<(), String> {
        match self.byte()? {
            0 => self.uleb().map(drop),
            1 => {
                self.byte()?;
                self.skip_limits()
            }
            2 => self.skip_limits(),
            3 => self.take(2).map(drop),
            4 => self.take(1).and_then(|_| self.uleb()).map(drop),
            kind => Err(format!("unknown import kind {kind}")),
        }
    }

    fn skip_limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.uleb()?;
        if flags & 1 == 1 {
            self.uleb()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHED: &str = "__wbg_remove_8228e91d7ddbc755";
    const HASHED_2: &str = "__wbg_set_search_79a1604a24707ef7";
    const KEPT: &str = "__wbindgen_init_externref_table";

    fn name(out: &mut Vec<u8>, s: &str) {
        write_uleb(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }

    /// A module importing two hashed functions, a kept one and a memory, with a type section
    /// before and a custom section after.
    fn module(fields: [&str; 3]) -> Vec<u8> {
        let mut imports = vec![];
        write_uleb(&mut imports, 4);
        for field in fields {
            name(&mut imports, "./glue_bg.js");
            name(&mut imports, field);
            imports.extend_from_slice(&[0, 0]);
        }
        name(&mut imports, "env");
        name(&mut imports, "memory");
        imports.extend_from_slice(&[2, 1, 17, 200, 1]);
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        m.push(IMPORT_SECTION);
        write_uleb(&mut m, imports.len() as u64);
        m.extend_from_slice(&imports);
        m.extend_from_slice(&[0, 5, 4, b'n', b'o', b't', b'e']);
        m
    }

    fn glue(names: [&str; 3]) -> String {
        format!(
            "const imports={{'./glue_bg.js':{{{}:function(a){{a.remove()}},{}:(a,b)=>x(a,b),{}:function(){{}}}}}};wasm.{}_free();",
            names[0], names[1], names[2], names[0]
        )
    }

    #[test]
    fn hashed_import_names_are_shortened_in_the_wasm_and_the_glue_alike() {
        let (wasm, js) = shorten(
            &module([HASHED, HASHED_2, KEPT]),
            &glue([HASHED, HASHED_2, KEPT]),
        )
        .unwrap();
        assert_eq!(wasm, module(["a", "b", KEPT]));
        // The keys, not an identifier that only starts with one.
        assert_eq!(
            js,
            glue(["a", "b", KEPT]).replace("wasm.a_free", &format!("wasm.{HASHED}_free"))
        );
        // Shortened already: nothing changes.
        assert_eq!(shorten(&wasm, &js).unwrap(), (wasm.clone(), js));
    }

    #[test]
    fn a_glue_that_does_not_match_the_wasm_is_refused() {
        let other = glue(["__wbg_remove_0000000000000000", HASHED_2, KEPT]);
        let error = shorten(&module([HASHED, HASHED_2, KEPT]), &other).unwrap_err();
        assert!(error.contains(HASHED), "{error}");
        assert!(shorten(b"\0asm\x02", "").is_err());
        let mut cut = module([HASHED, HASHED_2, KEPT]);
        cut.truncate(20);
        assert!(shorten(&cut, &glue([HASHED, HASHED_2, KEPT])).is_err());
    }

    #[test]
    fn only_wasm_bindgen_hashed_names_count() {
        assert!(is_hashed(HASHED) && is_hashed(HASHED_2));
        for name in [
            KEPT,
            "__wbg_remove",
            "__wbg_x_8228E91D7DDBC755",
            "remove_8228e91d7ddbc755",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
        let names: Vec<_> = [0, 1, 51, 52, 53].map(short_name).into();
        assert_eq!(names, ["a", "b", "Z", "ab", "bb"]);
    }
}
