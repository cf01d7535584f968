//! `yima label`: each container's label signed by this device, written as files.

use crate::args::*;

use crate::cli::Cli;
use crate::print::{self, t};
use anyhow::{anyhow, Context, Result};
use std::path::Path;
use yima_codes::Lang;

pub(crate) fn label(cli: &Cli, args: &crate::cli::LabelArgs, lang: Lang) -> Result<()> {
    use crate::cli::{LabelFormatArg, LabelSizeArg};
    use yima_label::{Format, LabelSize};
    let format = match args.format {
        LabelFormatArg::Svg => Format::Svg,
        LabelFormatArg::Png => Format::Png,
        LabelFormatArg::Pdf => Format::Pdf,
    };
    let (by_volume, copies) = LabelSize::for_container(args.container_volume).map_err(|_| {
        anyhow!(
            "{}: {}",
            t(
                lang,
                "cli.msg.the_container_volume_must_be_a_positive_number_o"
            ),
            args.container_volume.unwrap_or_default()
        )
    })?;
    let size = match args.size {
        Some(LabelSizeArg::Mm100) => LabelSize::Mm100,
        Some(LabelSizeArg::Mm150) => LabelSize::Mm150,
        Some(LabelSizeArg::Mm200) => LabelSize::Mm200,
        None => by_volume,
    };
    let mut dev = open(cli)?;
    let form = dev.label_form(match args.qr {
        crate::cli::LabelQrArg::Auto => yima_device::LabelQr::Auto,
        crate::cli::LabelQrArg::Url => yima_device::LabelQr::Url,
        crate::cli::LabelQrArg::Text => yima_device::LabelQr::Text,
    })?;
    let mut labels = Vec::new();
    for code in codes(&args.codes)? {
        let (label, payload) = dev.label_payload(&code)?;
        let missing: String = yima_label::missing_chars(&label).into_iter().collect();
        if !missing.is_empty() {
            eprintln!(
                "{}: {code}: {missing}",
                t(
                    lang,
                    "cli.msg.warning_the_label_font_lacks_these_characters_pr"
                )
            );
        }
        // Above 450 L a container carries two labels, on opposite sides: a PDF sheet holds
        // both; an SVG or PNG file is printed twice.
        let extra = if format == Format::Pdf { copies } else { 1 };
        for _ in 1..extra {
            labels.push((label.clone(), payload.clone()));
        }
        labels.push((label, payload));
    }
    let rendered = |e: yima_label::RenderError| anyhow!(e.message(lang));
    let write = |path: &Path, bytes: &[u8]| crate::args::write_file(path, bytes, lang);
    let mut written = Vec::new();
    if format == Format::Pdf && labels.len() > 1 {
        write(
            &args.output,
            &yima_label::pdf_sheet_in(&labels, &form, size).map_err(rendered)?,
        )?;
        written.push(args.output.clone());
    } else if labels.len() == 1 && !args.output.is_dir() {
        let (l, p) = &labels[0];
        write(
            &args.output,
            &yima_label::render_in(l, p, &form, size, format).map_err(rendered)?,
        )?;
        written.push(args.output.clone());
    } else {
        std::fs::create_dir_all(&args.output).with_context(|| {
            format!(
                "{} {}",
                t(lang, "cli.msg.cannot_create_directory"),
                args.output.display()
            )
        })?;
        for (l, p) in &labels {
            let path = args
                .output
                .join(format!("{}.{}", l.code, format.extension()));
            write(
                &path,
                &yima_label::render_in(l, p, &form, size, format).map_err(rendered)?,
            )?;
            written.push(path);
        }
    }
    print::labels_written(&written, labels.len(), size.mm(), copies, lang, cli.json);
    Ok(())
}
