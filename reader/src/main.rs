//! `wv-handler`: a reader's command-line client. The password is read from
//! the environment variable `WV_HANDLER_PASSWORD` (or the first line of
//! standard input), never from the command line, where other users could
//! see it in the process list.

use std::io::BufRead;

use clap::{Parser, Subcommand};
use workervoice_protocol::grievance::CaseStatus;
use wv_reader::client::{ReaderClient, ReaderSession};

#[derive(Parser)]
#[command(name = "wv-handler", about = "Read and answer Worker Voice reports; the key never leaves this machine")]
struct Args {
    /// The hub's base URL.
    #[arg(long, env = "WV_HUB")]
    hub: String,
    /// Your account id (from the invitation).
    #[arg(long, env = "WV_HANDLER_ID")]
    handler: String,
    /// Print JSON (for scripts and test harnesses) instead of text.
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Accept an invitation: make your key pair and choose your password.
    Accept {
        /// The invitation token from the link (base64: it may start with `-`).
        #[arg(long, allow_hyphen_values = true)]
        token: String,
    },
    /// List the cases on your route.
    Cases,
    /// Open a case and print the report, the conversation and notes.
    Open { case_id: String },
    /// Reply to the worker.
    Reply {
        case_id: String,
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Set a case's status (acknowledged, investigating, resolved, closed).
    Status { case_id: String, status: String },
    /// Write an internal note for your route's readers.
    Note {
        case_id: String,
        #[arg(allow_hyphen_values = true)]
        text: String,
    },
    /// Save an attachment, opened, to a file.
    Attachment { case_id: String, attachment_id: String, out: std::path::PathBuf },
    /// Change your password (the key is re-wrapped here). The new password
    /// comes from `WV_HANDLER_NEW_PASSWORD`.
    Password,
}

fn password(variable: &str) -> anyhow::Result<String> {
    if let Ok(value) = std::env::var(variable) {
        return Ok(value);
    }
    eprintln!("password:");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn status(text: &str) -> anyhow::Result<CaseStatus> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| anyhow::anyhow!("unknown status {text:?}"))
}

async fn session(client: &ReaderClient, handler: &str) -> anyhow::Result<ReaderSession> {
    Ok(client.login(handler, &password("WV_HANDLER_PASSWORD")?, None).await?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let client = ReaderClient::new(&args.hub)?;
    match args.command {
        Command::Accept { token } => {
            let (account, _) = client.accept(&args.handler, &token, &password("WV_HANDLER_PASSWORD")?).await?;
            if args.json {
                println!("{}", serde_json::to_string(&account)?);
            } else {
                println!("account {} on {} (key id {})", account.handler_id, account.route.as_str(), account.key_id);
            }
        }
        Command::Cases => {
            let cases = session(&client, &args.handler).await?.cases().await?;
            if args.json {
                println!("{}", serde_json::to_string(&cases)?);
            }
            for case in cases.iter().filter(|_| !args.json) {
                println!("{}  {:?}  {}  overdue={}", case.case_id, case.status, case.factory_id, case.overdue);
            }
        }
        Command::Open { case_id } => {
            let opened = session(&client, &args.handler).await?.open_case(&case_id).await?;
            if args.json {
                let replies: Vec<serde_json::Value> = opened
                    .replies
                    .iter()
                    .map(|reply| serde_json::json!({"author": reply.author, "at": reply.at, "text": reply.text}))
                    .collect();
                let notes: Vec<serde_json::Value> = opened
                    .notes
                    .iter()
                    .map(|note| serde_json::json!({"author": note.author, "text": note.text}))
                    .collect();
                let view = serde_json::json!({
                    "summary": opened.sealed.summary, "content": opened.content, "replies": replies, "notes": notes
                });
                println!("{view}");
                return Ok(());
            }
            println!("{} ({:?})\n\n{}\n", opened.case_id(), opened.sealed.summary.status, opened.content.text);
            for reply in &opened.replies {
                println!("[{:?} at {}] {}", reply.author, reply.at, reply.text);
            }
            for note in &opened.notes {
                println!("[note by {} at {}] {}", note.author, note.at, note.text);
            }
            for attachment in &opened.content.attachments {
                println!("attachment {} ({}, {} bytes)", attachment.attachment_id, attachment.mime, attachment.size);
            }
        }
        Command::Reply { case_id, text } => {
            session(&client, &args.handler).await?.reply(&case_id, &text).await?;
        }
        Command::Status { case_id, status: text } => {
            session(&client, &args.handler).await?.set_status(&case_id, status(&text)?).await?;
        }
        Command::Note { case_id, text } => {
            session(&client, &args.handler).await?.add_note(&case_id, &text).await?;
        }
        Command::Attachment { case_id, attachment_id, out } => {
            let bytes = session(&client, &args.handler).await?.attachment(&case_id, &attachment_id).await?;
            std::fs::write(&out, bytes)?;
        }
        Command::Password => {
            let mut session = session(&client, &args.handler).await?;
            session.change_password(&password("WV_HANDLER_NEW_PASSWORD")?).await?;
        }
    }
    Ok(())
}
