//! Mounts MQ Lab into the page's body.

fn main() {
    yew::Renderer::<mqlab_web::App>::new().render();
}
