//! `serde` seeds for reading JSON without building values: map keys compared without
//! allocating, strings borrowed from the text when they have no escapes, ids (strings or numbers),
//! and objects read by a caller-supplied reader while any other value is skipped.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A map key, turned into `K` without allocating for the caller's comparison.
pub(crate) struct KeySeed<F>(pub(crate) F);

impl<'de, K, F: FnOnce(&str) -> K> DeserializeSeed<'de> for KeySeed<F> {
    type Value = K;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K, D::Error> {
        struct KeyVisitor<F>(F);
        impl<K, F: FnOnce(&str) -> K> Visitor<'_> for KeyVisitor<F> {
            type Value = K;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<K, E> {
                Ok((self.0)(v))
            }
        }
        d.deserialize_str(KeyVisitor(self.0))
    }
}

/// A string value, borrowed from the text when it had no escapes.
pub(crate) enum StrValue<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl StrValue<'_> {
    pub(crate) fn into_owned(self) -> String {
        match self {
            StrValue::Borrowed(s) => s.to_string(),
            StrValue::Owned(s) => s,
        }
    }
}

/// Any value; `Some` only for a string. Other values are skipped.
pub(crate) struct StrSeed;

impl<'de> DeserializeSeed<'de> for StrSeed {
    type Value = Option<StrValue<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Scalar(|s: ScalarValue<'de>| match s {
            ScalarValue::Str(v) => Some(v),
            _ => None,
        }))
    }
}

/// Any value; `Some` for an id: a non-empty string up to 128 bytes, or a number (as its text).
pub(crate) struct IdSeed;

impl<'de> DeserializeSeed<'de> for IdSeed {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Scalar(|s: ScalarValue<'de>| match s {
            ScalarValue::Str(v) => {
                let v = v.into_owned();
                (!v.is_empty() && v.len() <= 128).then_some(v)
            }
            ScalarValue::Number(n) => Some(n.to_string()),
            ScalarValue::Other => None,
        }))
    }
}

enum ScalarValue<'de> {
    Str(StrValue<'de>),
    Number(serde_json::Number),
    Other,
}

/// Visits any value, hands strings and numbers to the closure and skips the rest.
struct Scalar<F>(F);

impl<'de, T, F: FnOnce(ScalarValue<'de>) -> T> Visitor<'de> for Scalar<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Str(StrValue::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Str(StrValue::Owned(v.to_string()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Str(StrValue::Owned(v))))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Number(v.into())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Number(v.into())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Ok((self.0)(
            serde_json::Number::from_f64(v).map_or(ScalarValue::Other, ScalarValue::Number),
        ))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Other))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok((self.0)(ScalarValue::Other))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(ScalarValue::Other))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(ScalarValue::Other))
    }
}

/// Reads one kind of object.
pub(crate) trait ObjectReader {
    type Out;
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self::Out, A::Error>;
}

/// Any value; `Some` of what `R` reads for an object, `None` (skipped) for anything else.
pub(crate) struct ObjectSeed<R>(PhantomData<R>);

impl<R> ObjectSeed<R> {
    pub(crate) fn new() -> Self {
        ObjectSeed(PhantomData)
    }
}

impl<'de, R: ObjectReader> DeserializeSeed<'de> for ObjectSeed<R> {
    type Value = Option<R::Out>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ObjectVisitor::<R>(PhantomData))
    }
}

struct ObjectVisitor<R>(PhantomData<R>);

impl<'de, R: ObjectReader> Visitor<'de> for ObjectVisitor<R> {
    type Value = Option<R::Out>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        R::read(map).map(Some)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}
